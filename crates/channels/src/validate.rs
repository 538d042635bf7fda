//! Input checks run before anything is signed or sent; each failure names the field.
//!
//! Each rule is what the service documents, no stricter (the table is in the crate docs,
//! "What is checked before sending").

use push_core::{Error, Result};

/// Longest channel name, prefix included, in characters (Pusher docs, "Channel naming
/// conventions": "a maximum of 164 characters").
pub const MAX_CHANNEL_NAME_LEN: usize = 164;
/// Longest event name, in bytes (the HTTP API specification: `maxLength: 255`).
pub const MAX_EVENT_NAME_LEN: usize = 255;
/// Longest user id of a presence member, in characters (Pusher docs, presence channels:
/// "maximum 128 characters for user id").
pub const MAX_PRESENCE_USER_ID_LEN: usize = 128;
/// Largest `user_info` of a presence member, in bytes of JSON (Pusher docs, presence
/// channels: "1KB limit for user object").
pub const MAX_PRESENCE_USER_INFO_BYTES: usize = 1024;
/// Most channels one trigger may address.
pub const MAX_CHANNELS_PER_TRIGGER: usize = 100;
/// Most events one batch may carry.
pub const MAX_BATCH_EVENTS: usize = 10;
/// Default ceiling for an event's `data`, in UTF-8 bytes after encryption.
pub const DEFAULT_MAX_DATA_BYTES: usize = 10 * 1024;

/// Prefix of the channels that carry end-to-end encrypted events.
pub const ENCRYPTED_PREFIX: &str = "private-encrypted-";
/// Prefix of presence channels.
pub const PRESENCE_PREFIX: &str = "presence-";
/// Prefix of private channels (encrypted ones included).
pub const PRIVATE_PREFIX: &str = "private-";
/// Prefix of the per-user channel `send_to_user` triggers on.
pub(crate) const SERVER_TO_USER_PREFIX: &str = "#server-to-user-";
/// Prefixes of cache channels (Pusher docs, cache channels).
const CACHE_PREFIXES: [&str; 4] = [
    "cache-",
    "private-cache-",
    "private-encrypted-cache-",
    "presence-cache-",
];

/// The characters Channels allows in channel names.
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'@' | b',' | b'.' | b';')
}

/// Refuses a character outside the channel-name alphabet.
fn check_charset(field: &'static str, value: &str, what: &str) -> Result<()> {
    match value
        .chars()
        .find(|c| !c.is_ascii() || !is_name_char(*c as u8))
    {
        Some(bad) => Err(Error::invalid_input(
            field,
            format!("{what} contains {bad:?}; only A-Z a-z 0-9 and - _ = @ , . ; are allowed"),
        )),
        None => Ok(()),
    }
}

/// Checks a channel name an app may trigger on, authorize or query: 1–164 characters of
/// `A-Za-z0-9-_=@,.;`. A `#server-to-user-` channel is not one (only
/// [`send_to_user`](crate::Client::send_to_user) reaches it).
///
/// ```
/// use push_channels::validate::channel_name;
///
/// assert!(channel_name("private-room_1@a.b").is_ok());
/// assert!(channel_name("#server-to-user-42").is_err());
/// assert!(channel_name(&"a".repeat(165)).is_err());
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] on the field `channel`.
pub fn channel_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_input(
            "channel",
            "a channel name must not be empty",
        ));
    }
    if name.starts_with(SERVER_TO_USER_PREFIX) {
        return Err(Error::invalid_input(
            "channel",
            "#server-to-user- channels are reached only through send_to_user",
        ));
    }
    let len = name.chars().count();
    if len > MAX_CHANNEL_NAME_LEN {
        return Err(Error::invalid_input(
            "channel",
            format!(
                "a channel name is {len} characters long; at most {MAX_CHANNEL_NAME_LEN} are allowed"
            ),
        ));
    }
    check_charset("channel", name, "a channel name")
}

/// Checks a channel-name prefix for [`channels_info`](crate::Client::channels_info): the
/// channel-name characters only (it is sent in the query string as it is).
pub(crate) fn channel_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() {
        return Err(Error::invalid_input(
            "prefix",
            "an empty prefix filters nothing: pass None",
        ));
    }
    check_charset("prefix", prefix, "a prefix")
}

/// Checks a user id: a non-empty string (Pusher docs, authenticating users: "an `id` field
/// with a non-empty string"). Nothing else is refused: user ids are the app's own, not
/// channel names.
///
/// # Errors
/// [`Error::InvalidInput`] on the field `user_id`.
pub fn user_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid_input(
            "user_id",
            "a user id must not be empty",
        ));
    }
    Ok(())
}

/// Checks a channel that becomes a path segment: a [`channel_name`], and not `.` or `..`.
pub(crate) fn channel_segment(name: &str) -> Result<()> {
    channel_name(name)?;
    if name == "." || name == ".." {
        return Err(Error::invalid_input(
            "channel",
            "\".\" and \"..\" cannot be queried: a URL resolves them as dot segments",
        ));
    }
    Ok(())
}

/// Checks a presence member's user id: non-empty and at most 128 characters.
pub(crate) fn presence_user_id(id: &str) -> Result<()> {
    user_id(id)?;
    let len = id.chars().count();
    if len > MAX_PRESENCE_USER_ID_LEN {
        return Err(Error::invalid_input(
            "user_id",
            format!(
                "a presence member's user id is {len} characters long; at most \
                 {MAX_PRESENCE_USER_ID_LEN} are allowed"
            ),
        ));
    }
    Ok(())
}

/// Checks the size of a presence member's `user_info` JSON.
pub(crate) fn presence_user_info(json: &str) -> Result<()> {
    if json.len() > MAX_PRESENCE_USER_INFO_BYTES {
        return Err(Error::invalid_input(
            "user_info",
            format!(
                "a presence member's user_info is {} bytes of JSON; at most \
                 {MAX_PRESENCE_USER_INFO_BYTES} are allowed",
                json.len()
            ),
        ));
    }
    Ok(())
}

/// Checks an event name: 1–255 bytes.
pub fn event_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_input(
            "event",
            "an event name must not be empty",
        ));
    }
    if name.len() > MAX_EVENT_NAME_LEN {
        return Err(Error::invalid_input(
            "event",
            format!(
                "an event name is at most {MAX_EVENT_NAME_LEN} bytes; this one is {}",
                name.len()
            ),
        ));
    }
    Ok(())
}

/// Checks a socket id: digits, one dot, digits (`123.456`).
pub fn socket_id(id: &str) -> Result<()> {
    let valid = id.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "socket_id",
            format!("{id:?} is not a socket id (digits, a dot, digits)"),
        ))
    }
}

/// Checks how many channels one trigger addresses.
pub(crate) fn channel_count(count: usize) -> Result<()> {
    if count == 0 {
        return Err(Error::invalid_input(
            "channels",
            "at least one channel is needed",
        ));
    }
    if count > MAX_CHANNELS_PER_TRIGGER {
        return Err(Error::invalid_input(
            "channels",
            format!(
                "{count} channels given; one trigger reaches at most {MAX_CHANNELS_PER_TRIGGER}"
            ),
        ));
    }
    Ok(())
}

/// Checks the number of events in a batch.
pub(crate) fn batch_size(count: usize) -> Result<()> {
    if count == 0 {
        return Err(Error::invalid_input(
            "batch",
            "a batch needs at least one event",
        ));
    }
    if count > MAX_BATCH_EVENTS {
        return Err(Error::invalid_input(
            "batch",
            format!("{count} events given; a batch holds at most {MAX_BATCH_EVENTS}"),
        ));
    }
    Ok(())
}

/// Checks the size of the `data` that will be sent, `len` UTF-8 bytes (after encryption).
pub(crate) fn data_size(len: usize, limit: Option<usize>) -> Result<()> {
    match limit {
        Some(limit) if len > limit => Err(Error::invalid_input(
            "data",
            format!(
                "the event data is {len} bytes; the limit is {limit} (set a higher one with \
                 ClientBuilder::max_data_bytes if your cluster allows it)"
            ),
        )),
        _ => Ok(()),
    }
}

/// Whether a channel carries end-to-end encrypted events.
pub fn is_encrypted_channel(name: &str) -> bool {
    name.starts_with(ENCRYPTED_PREFIX)
}

/// Whether a channel is a cache channel (of any kind).
pub(crate) fn is_cache_channel(name: &str) -> bool {
    CACHE_PREFIXES.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names() {
        assert!(channel_name("private-foo_bar=@,.;-1").is_ok());
        assert!(channel_name(&"a".repeat(164)).is_ok());
        assert!(channel_name(&"a".repeat(165)).is_err());
        assert!(channel_name("").is_err());
        assert!(channel_name("with space").is_err());
        assert!(channel_name("ünï").is_err());
        assert!(channel_name("#server-to-user-abc").is_err());
        assert!(channel_name("#other").is_err());
        // Dots are channel-name characters; only path segments refuse the dot segments.
        assert!(channel_name("..").is_ok());
        assert!(channel_segment("..").is_err());
        assert!(channel_segment(".").is_err());
        assert!(channel_segment("...").is_ok());
    }

    #[test]
    fn user_ids_are_any_non_empty_text() {
        for ok in ["u", "ünï", "a b", "a/b", "#1", &"x".repeat(500)] {
            assert!(user_id(ok).is_ok(), "{ok:?}");
        }
        assert!(user_id("").is_err());
        assert!(presence_user_id(&"é".repeat(128)).is_ok());
        assert!(presence_user_id(&"é".repeat(129)).is_err());
    }

    #[test]
    fn event_names() {
        assert!(event_name(&"e".repeat(255)).is_ok());
        assert!(event_name(&"e".repeat(256)).is_err());
        assert!(event_name("").is_err());
    }

    #[test]
    fn socket_ids() {
        assert!(socket_id("123.456").is_ok());
        for bad in [
            "", "123", "123.", ".456", "1.2.3", "a.1", "1.b", " 1.2", "1.2\n", "１.2",
        ] {
            assert!(socket_id(bad).is_err(), "{bad:?} accepted");
        }
    }
}
