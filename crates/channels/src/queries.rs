//! The typed answers of the read-only endpoints: occupied channels, one channel, presence
//! users.

use std::collections::HashMap;

use serde::Deserialize;

use crate::events::ChannelAttributes;

/// The answer of [`channels_info`](crate::Client::channels_info): the occupied channels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ChannelsInfo {
    /// Channel name → attributes (only `user_count`, and only when asked for). Required in
    /// the answer: a body without it is a decode error.
    pub channels: HashMap<String, ChannelAttributes>,
}

/// The answer of [`channel_info`](crate::Client::channel_info).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ChannelInfo {
    /// Whether the channel has at least one subscriber. The service always reports it; an
    /// answer without it is a decode error, never a guess.
    pub occupied: bool,
    /// Connections subscribed, when asked for.
    #[serde(default)]
    pub subscription_count: Option<u64>,
    /// Distinct users (presence channels), when asked for.
    #[serde(default)]
    pub user_count: Option<u64>,
    /// The cached event of a cache channel, when asked for and present.
    #[serde(default)]
    pub cache: Option<CachedEvent>,
}

/// The last event of a cache channel.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CachedEvent {
    /// The event's data.
    #[serde(default)]
    pub data: Option<String>,
    /// Seconds the cached event still lives.
    #[serde(default)]
    pub ttl: Option<u64>,
}

/// The answer of [`users_info`](crate::Client::users_info).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UsersInfo {
    /// The users subscribed to the presence channel. Required in the answer.
    pub users: Vec<PresenceUser>,
}

/// A user on a presence channel.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PresenceUser {
    /// The user id given when the user was authorized.
    pub id: String,
}
