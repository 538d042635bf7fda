//! Client-side checks; every failure is a typed `Error::InvalidInput` and nothing is sent.
//!
//! Only what Pushpad documents is checked (the crate README's "What is checked before
//! sending" lists each rule with its source; keep the two in step): blank strings and id 0,
//! which the API does not document as errors, are sent for the server to judge.

use push_core::{Error, Result};

/// Most custom metrics allowed on one notification (Pushpad docs: "up to 3").
pub(crate) const MAX_CUSTOM_METRICS: usize = 3;
/// Largest project `notifications_ttl` (spec maximum, 28 days).
pub(crate) const MAX_PROJECT_TTL: u32 = 2_419_200;

pub(crate) fn page(field: &'static str, value: Option<u32>) -> Result<()> {
    if value == Some(0) {
        Err(Error::invalid_input(field, "must be at least 1"))
    } else {
        Ok(())
    }
}

/// Action ids must be "a string of word characters" (`[A-Za-z0-9_]+`).
pub(crate) fn action_name(field: String, value: &str) -> Result<()> {
    if value.is_empty()
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Err(Error::invalid_input(
            field,
            "must be one or more word characters [A-Za-z0-9_]",
        ))
    } else {
        Ok(())
    }
}

/// The longest request URL the HTTP stack can send: the `http` crate refuses a URI longer than
/// `u16::MAX - 1` bytes, before anything is sent.
pub(crate) const MAX_URL_LEN: usize = 65_534;

/// Refuses a request URL (`base_url` + `path_and_query`) longer than [`MAX_URL_LEN`], naming
/// `field`: the list whose values made it too long.
pub(crate) fn url_fits(
    field: &'static str,
    count: usize,
    base_url: &str,
    path_and_query: &str,
) -> Result<()> {
    let len = base_url.len() + path_and_query.len();
    if len > MAX_URL_LEN {
        return Err(Error::invalid_input(
            field,
            format!(
                "{count} values make the request URL {len} bytes long; at most {MAX_URL_LEN} \
                 can be sent (ask in smaller groups)"
            ),
        ));
    }
    Ok(())
}

/// A project's default time to live, 0 to [`MAX_PROJECT_TTL`] seconds.
pub(crate) fn project_ttl(ttl: Option<u32>) -> Result<()> {
    match ttl {
        Some(t) if t > MAX_PROJECT_TTL => Err(Error::invalid_input(
            "notifications_ttl",
            format!("must be at most {MAX_PROJECT_TTL}"),
        )),
        _ => Ok(()),
    }
}
