//! Input checks run before anything is sent.
//!
//! Lengths are counted in Unicode scalar values (`char`s): Beams documents the limit as
//! "164 characters", and the official SDKs count JavaScript/Python string length, which is
//! characters for the ASCII-only interest alphabet. For user ids we count chars as well, so a
//! non-ASCII id is not refused earlier than the service would.

use std::collections::HashSet;

use push_core::{Error, Result};

/// Most interests one publish request may name.
pub const MAX_INTERESTS: usize = 100;
/// Most user ids one publish request may name.
pub const MAX_USERS: usize = 1000;
/// Longest interest or user id, in characters.
pub const MAX_ID_LEN: usize = 164;

fn interest_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-=@,.;".contains(c)
}

pub(crate) fn interest(field: String, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(Error::invalid_input(
            field,
            format!("longer than {MAX_ID_LEN} characters"),
        ));
    }
    if let Some(c) = value.chars().find(|c| !interest_char(*c)) {
        return Err(Error::invalid_input(
            field,
            format!("character {c:?} not allowed (allowed: A-Z a-z 0-9 _ - = @ , . ;)"),
        ));
    }
    Ok(())
}

pub(crate) fn user_id(field: String, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(Error::invalid_input(
            field,
            format!("longer than {MAX_ID_LEN} characters"),
        ));
    }
    Ok(())
}

fn list<S: AsRef<str>>(
    name: &'static str,
    items: &[S],
    max: Option<usize>,
    one: fn(String, &str) -> Result<()>,
) -> Result<()> {
    if items.is_empty() {
        return Err(Error::invalid_input(name, "at least one is required"));
    }
    if let Some(max) = max
        && items.len() > max
    {
        return Err(Error::invalid_input(
            name,
            format!("{} given, at most {max} per request", items.len()),
        ));
    }
    let mut seen = HashSet::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item = item.as_ref();
        one(format!("{name}[{i}]"), item)?;
        if !seen.insert(item) {
            return Err(Error::invalid_input(
                format!("{name}[{i}]"),
                format!("duplicate {item:?}"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn interests<S: AsRef<str>>(items: &[S], max: Option<usize>) -> Result<()> {
    list("interests", items, max, interest)
}

pub(crate) fn users<S: AsRef<str>>(items: &[S], max: Option<usize>) -> Result<()> {
    list("users", items, max, user_id)
}
