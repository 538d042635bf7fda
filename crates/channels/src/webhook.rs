//! Webhooks: verification of what Channels posts to your server, and its typed events.

use serde::Deserialize;

/// A verified webhook: when Channels sent it and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Webhook {
    /// When Channels created the webhook, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// The events, in order.
    pub events: Vec<WebhookEvent>,
}

/// One event of a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookEvent {
    /// A channel got its first subscriber.
    ChannelOccupied {
        /// The channel.
        channel: String,
    },
    /// A channel lost its last subscriber.
    ChannelVacated {
        /// The channel.
        channel: String,
    },
    /// A user joined a presence channel.
    MemberAdded {
        /// The channel.
        channel: String,
        /// The user.
        user_id: String,
    },
    /// A user left a presence channel.
    MemberRemoved {
        /// The channel.
        channel: String,
        /// The user.
        user_id: String,
    },
    /// A client sent an event on a private or presence channel. On an encrypted channel
    /// `data` is the decrypted text when the client has the master key.
    ClientEvent {
        /// The channel.
        channel: String,
        /// The client event's name.
        event: String,
        /// The event's data.
        data: String,
        /// The sending connection.
        #[serde(default)]
        socket_id: Option<String>,
        /// The sending user (presence channels).
        #[serde(default)]
        user_id: Option<String>,
    },
    /// A client subscribed to a cache channel that had no cached event.
    CacheMiss {
        /// The channel.
        channel: String,
    },
    /// The number of subscriptions of a channel changed.
    SubscriptionCount {
        /// The channel.
        channel: String,
        /// The new count.
        subscription_count: u64,
    },
    /// An event type this version does not know.
    #[serde(other)]
    Unknown,
}

/// Whether a `Content-Type` value is JSON: `application/json`, any case, with or without
/// parameters such as `charset`.
pub(crate) fn is_json_content_type(value: &str) -> bool {
    let media_type = value.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/json")
}
