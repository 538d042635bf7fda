//! Input checks run before anything is sent. The crate README's "What is checked before
//! sending" lists every rule with its source; keep the two in step.
//!
//! Lengths are counted in Unicode scalar values (`char`s): Beams documents the limit as
//! "164 characters", and the official SDKs count JavaScript/Python string length, which is
//! characters for the ASCII-only interest alphabet. For user ids we count chars as well, so a
//! non-ASCII id is not refused earlier than the service would.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

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

/// Why `value` is not an acceptable interest, if it is not.
fn interest_problem(value: &str) -> Option<String> {
    if let Some(problem) = id_problem(value) {
        return Some(problem);
    }
    value
        .chars()
        .find(|c| !interest_char(*c))
        .map(|c| format!("character {c:?} not allowed (allowed: A-Z a-z 0-9 _ - = @ , . ;)"))
}

/// Why `value` is not an acceptable user id (or interest length), if it is not.
fn id_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("must not be empty".to_owned());
    }
    // A string of at most MAX_ID_LEN bytes has at most that many characters.
    if value.len() > MAX_ID_LEN && value.chars().count() > MAX_ID_LEN {
        return Some(format!("longer than {MAX_ID_LEN} characters"));
    }
    None
}

pub(crate) fn user_id(field: &'static str, value: &str) -> Result<()> {
    match id_problem(value) {
        Some(problem) => Err(Error::invalid_input(field, problem)),
        None => Ok(()),
    }
}

/// Above this many items, duplicates are looked for through sorted 64-bit hashes (8 bytes an
/// item) instead of a set of the items (about 34 bytes an item).
const HASHED_DUPLICATE_CHECK: usize = 4096;

/// The index of the first item that repeats an earlier one.
fn first_duplicate<S: AsRef<str>>(items: &[S]) -> Option<usize> {
    let exact = || {
        let mut seen = HashSet::with_capacity(items.len());
        items.iter().position(|item| !seen.insert(item.as_ref()))
    };
    if items.len() <= HASHED_DUPLICATE_CHECK {
        return exact();
    }
    // A fresh seed per call, so no fixed list of ids collides every time.
    let seed = RandomState::new().hash_one(items.len());
    let mut hashes: Vec<u64> = items
        .iter()
        .map(|item| quick_hash(item.as_ref().as_bytes(), seed))
        .collect();
    hashes.sort_unstable();
    if hashes.windows(2).all(|pair| pair[0] != pair[1]) {
        return None;
    }
    // Equal hashes: a real duplicate, or (rarely) a collision. Settle it exactly.
    drop(hashes);
    exact()
}

/// A fast 64-bit hash for the duplicate pre-check (about a quarter of SipHash's cost on short
/// ids). It need not resist attack: equal hashes only send the check to the exact set.
fn quick_hash(bytes: &[u8], seed: u64) -> u64 {
    // Each step is a bijection of the state (xor, odd multiply, xor-shift), so two inputs of
    // the same length that differ in one word cannot meet at that word.
    let mix = |h: u64| {
        let h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    };
    let mut h = seed ^ (bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = mix(h ^ u64::from_le_bytes(w));
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut w = [0u8; 8];
        w[..tail.len()].copy_from_slice(tail);
        h = mix(h ^ u64::from_le_bytes(w));
    }
    mix(mix(h))
}

/// Checks every item, building a field name (`users[12]`) only for a refused one; with
/// `unique`, a repeated item is refused too.
fn list<S: AsRef<str>>(
    name: &'static str,
    items: &[S],
    max: Option<usize>,
    unique: bool,
    problem: fn(&str) -> Option<String>,
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
    for (i, item) in items.iter().enumerate() {
        if let Some(problem) = problem(item.as_ref()) {
            return Err(Error::invalid_input(format!("{name}[{i}]"), problem));
        }
    }
    if unique && let Some(i) = first_duplicate(items) {
        return Err(Error::invalid_input(
            format!("{name}[{i}]"),
            format!("duplicate {:?}", items[i].as_ref()),
        ));
    }
    Ok(())
}

/// Interests for one publish (`max` = 100) or for a split one (`max` = `None`). Beams does not
/// say it refuses a repeated interest in one request (it delivers once per device anyway), so
/// only a split publish refuses repeats: two chunks naming one interest would notify twice.
pub(crate) fn interests<S: AsRef<str>>(items: &[S], max: Option<usize>) -> Result<()> {
    list("interests", items, max, max.is_none(), interest_problem)
}

/// User ids: Beams refuses a repeated one (422 "`users`: array items must be unique").
pub(crate) fn users<S: AsRef<str>>(items: &[S], max: Option<usize>) -> Result<()> {
    list("users", items, max, true, id_problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_in_small_and_large_lists() {
        for n in [10, HASHED_DUPLICATE_CHECK + 10, 50_000] {
            let mut ids: Vec<String> = (0..n).map(|i| format!("user-{i}")).collect();
            assert_eq!(first_duplicate(&ids), None, "{n}");
            ids.push("user-3".to_owned());
            assert_eq!(first_duplicate(&ids), Some(n), "{n}");
            let err = users(&ids, None).unwrap_err();
            assert!(err.to_string().contains(&format!("users[{n}]")), "{err}");
        }
    }

    #[test]
    fn quick_hash_separates_near_identical_ids() {
        let seed = RandomState::new().hash_one(1u8);
        let mut ids: Vec<String> = (0..200_000).map(|i| format!("user-{i}")).collect();
        ids.extend((0..1000).map(|i| format!("{i:0>30}")));
        ids.extend(["", "a", "a\0", "\0a", "abcdefgh", "abcdefgh\0"].map(String::from));
        let mut hashes: Vec<u64> = ids
            .iter()
            .map(|id| quick_hash(id.as_bytes(), seed))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), ids.len());
    }

    #[test]
    fn repeated_interests_are_refused_only_when_split() {
        assert!(interests(&["a", "b", "a"], Some(MAX_INTERESTS)).is_ok());
        let err = interests(&["a", "b", "a"], None).unwrap_err();
        assert!(err.to_string().contains("interests[2]"), "{err}");
        assert!(users(&["a", "b", "a"], Some(MAX_USERS)).is_err());
    }

    #[test]
    fn the_first_bad_item_is_named() {
        let err = interests(&["ok", "also-ok", "not ok"], None).unwrap_err();
        assert!(err.to_string().contains("interests[2]"), "{err}");
        let long = "é".repeat(165);
        let err = users(&["a", long.as_str()], None).unwrap_err();
        assert!(err.to_string().contains("users[1]"), "{err}");
        // 164 two-byte characters are 328 bytes and still allowed.
        assert!(users(&["é".repeat(164)], None).is_ok());
    }
}
