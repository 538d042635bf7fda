//! How values are written for the API, where more than one area needs it: query strings as
//! the official SDKs form-encode them, and timestamps (a request's `send_at` as RFC 3339 in
//! UTC; an answer's timestamps back as the API writes them).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::well_known::iso8601::{Config, EncodedConfig, TimePrecision};
use time::format_description::well_known::{Iso8601, Rfc3339};
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

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Option<OffsetDateTime>, D::Error> {
        time::serde::rfc3339::option::deserialize(d)
    }
}

/// How the API writes a time: UTC with milliseconds (`2016-07-06T10:58:39.192Z`).
const API_TIME: EncodedConfig = Config::DEFAULT
    .set_time_precision(TimePrecision::Second {
        decimal_digits: std::num::NonZeroU8::new(3),
    })
    .encode();

/// `instant` as the API writes times, or `None` when UTC cannot express it.
pub(crate) fn api_time_text(instant: OffsetDateTime) -> Option<String> {
    in_utc(instant)?.format(&Iso8601::<API_TIME>).ok()
}

/// An answer timestamp: read as RFC 3339, written back as the API writes it, so an answer
/// serialises to the JSON it was read from.
pub(crate) mod answer_time {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        s: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        match value {
            Some(instant) => match api_time_text(*instant) {
                Some(text) => s.serialize_str(&text),
                None => Err(serde::ser::Error::custom(
                    "the time is outside the years 0 to 9999",
                )),
            },
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Option<OffsetDateTime>, D::Error> {
        time::serde::rfc3339::option::deserialize(d)
    }
}

/// For a field with three states (absent, `null`, a value): a present `null` is `Some(None)`
/// rather than the `None` of an absent field (which `#[serde(default)]` gives).
pub(crate) fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_times_are_written_as_the_api_writes_them() {
        let at = OffsetDateTime::parse("2016-07-06T12:58:39.192+02:00", &Rfc3339).unwrap();
        assert_eq!(
            api_time_text(at).as_deref(),
            Some("2016-07-06T10:58:39.192Z")
        );
        let whole = OffsetDateTime::parse("2016-07-06T10:09:00Z", &Rfc3339).unwrap();
        assert_eq!(
            api_time_text(whole).as_deref(),
            Some("2016-07-06T10:09:00.000Z")
        );
    }

    #[test]
    fn times_utc_cannot_write_are_none() {
        let late = OffsetDateTime::parse("9999-12-31T23:00:00-05:00", &Rfc3339).unwrap();
        assert_eq!(in_utc(late), None);
        assert_eq!(api_time_text(late), None);
        let fine = OffsetDateTime::parse("9999-12-31T23:00:00+05:00", &Rfc3339).unwrap();
        assert!(in_utc(fine).is_some());
    }
}
