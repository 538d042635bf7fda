//! Input checks run before anything is signed or sent; each failure names the field.

use push_core::{Error, Result};

/// Longest channel name, event name or user id the service accepts.
pub const MAX_NAME_LEN: usize = 200;
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

/// The characters Channels allows in channel names and user ids.
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'@' | b',' | b'.' | b';')
}

fn check_charset(field: &'static str, value: &str, what: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_input(
            field,
            format!("{what} must not be empty"),
        ));
    }
    if value.len() > MAX_NAME_LEN {
        return Err(Error::invalid_input(
            field,
            format!(
                "{what} is {} bytes long; at most {MAX_NAME_LEN} are allowed",
                value.len()
            ),
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !c.is_ascii() || !is_name_char(*c as u8))
    {
        return Err(Error::invalid_input(
            field,
            format!("{what} contains {bad:?}; only A-Z a-z 0-9 and - _ = @ , . ; are allowed"),
        ));
    }
    Ok(())
}

/// Checks a channel name: 1–200 characters of `A-Za-z0-9-_=@,.;`, or the per-user channel
/// `#server-to-user-{user id}`.
pub fn channel_name(name: &str) -> Result<()> {
    if let Some(user_id) = name.strip_prefix(SERVER_TO_USER_PREFIX) {
        return self::user_id(user_id).map_err(|_| {
            Error::invalid_input(
                "channel",
                "a #server-to-user- channel needs a valid user id",
            )
        });
    }
    check_charset("channel", name, "a channel name")
}

/// Checks a user id: 1–200 characters of `A-Za-z0-9-_=@,.;`.
pub fn user_id(id: &str) -> Result<()> {
    check_charset("user_id", id, "a user id")
}

/// Checks an event name: 1–200 bytes.
pub fn event_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_input(
            "event",
            "an event name must not be empty",
        ));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(Error::invalid_input(
            "event",
            format!(
                "an event name is at most {MAX_NAME_LEN} bytes; this one is {}",
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

/// Checks the size of the `data` that will be sent.
pub(crate) fn data_size(data: &str, limit: Option<usize>) -> Result<()> {
    match limit {
        Some(limit) if data.len() > limit => Err(Error::invalid_input(
            "data",
            format!(
                "the event data is {} bytes; the limit is {limit} (set a higher one with \
                 ClientBuilder::max_data_bytes if your cluster allows it)",
                data.len()
            ),
        )),
        _ => Ok(()),
    }
}

/// Whether a channel carries end-to-end encrypted events.
pub fn is_encrypted_channel(name: &str) -> bool {
    name.starts_with(ENCRYPTED_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names() {
        assert!(channel_name("private-foo_bar=@,.;-1").is_ok());
        assert!(channel_name(&"a".repeat(200)).is_ok());
        assert!(channel_name(&"a".repeat(201)).is_err());
        assert!(channel_name("").is_err());
        assert!(channel_name("with space").is_err());
        assert!(channel_name("ünï").is_err());
        assert!(channel_name("#server-to-user-abc").is_ok());
        assert!(channel_name("#server-to-user-").is_err());
        assert!(channel_name("#other").is_err());
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
