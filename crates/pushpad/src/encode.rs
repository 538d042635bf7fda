//! How values are written for the API, where more than one area needs it: query strings as
//! the official SDKs form-encode them, and a request's timestamps as RFC 3339 in UTC.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serializer;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Everything but ALPHA / DIGIT / `-._~` is escaped; a space becomes `+` afterwards.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn form(text: &str) -> String {
    utf8_percent_encode(text, FORM)
        .to_string()
        .replace("%20", "+")
}

/// Joins pairs into `k=v&k=v`, form-encoding both sides.
pub(crate) fn query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form(k), form(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `path` plus `?query` when there is one.
pub(crate) fn with_query(path: String, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        path
    } else {
        format!("{path}?{}", query(pairs))
    }
}

/// `instant` in UTC, or `None` when UTC cannot express it (a year past 9999).
pub(crate) fn in_utc(instant: OffsetDateTime) -> Option<OffsetDateTime> {
    instant
        .checked_to_offset(UtcOffset::UTC)
        .filter(|utc| (0..=9999).contains(&utc.year()))
}

/// A request timestamp: RFC 3339 in UTC (`2030-01-02T03:04:05Z`), what the API documents for
/// `send_at`.
pub(crate) mod request_time {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        s: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let Some(instant) = value else {
            return s.serialize_none();
        };
        let text = in_utc(*instant)
            .ok_or_else(|| serde::ser::Error::custom("the time is outside the years 0 to 9999"))?
            .format(&Rfc3339)
            .map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_utc_cannot_write_are_none() {
        let late = OffsetDateTime::parse("9999-12-31T23:00:00-05:00", &Rfc3339).unwrap();
        assert_eq!(in_utc(late), None);
        let fine = OffsetDateTime::parse("9999-12-31T23:00:00+05:00", &Rfc3339).unwrap();
        assert!(in_utc(fine).is_some());
    }
}
