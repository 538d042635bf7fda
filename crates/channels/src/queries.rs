//! The read-only endpoints — `GET /apps/{id}/channels`, `/channels/{name}` and
//! `/channels/{name}/users` — and their typed answers.

use std::collections::HashMap;

use push_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::events::{Attribute, ChannelAttributes, info_param};
use crate::validate::{self, PRESENCE_PREFIX};

impl Client {
    /// The occupied channels, optionally only those starting with `prefix`, with the
    /// attributes asked for (`user_count` needs the prefix `presence-`).
    ///
    /// ```no_run
    /// use push_channels::Attribute;
    /// # async fn run(client: push_channels::Client) -> push_channels::Result<()> {
    /// let rooms = client.channels_info(Some("presence-"), &[Attribute::UserCount]).await?;
    /// for (name, attributes) in &rooms.channels {
    ///     println!("{name}: {:?} users", attributes.user_count);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed prefix or attributes the endpoint does not
    /// offer; [`Error::Api`] and transport errors.
    pub async fn channels_info(
        &self,
        prefix: Option<&str>,
        attributes: &[Attribute],
    ) -> Result<ChannelsInfo> {
        if let Some(prefix) = prefix {
            validate::channel_prefix(prefix)?;
        }
        for attribute in attributes {
            match attribute {
                Attribute::UserCount => {
                    if !prefix.is_some_and(|p| p.starts_with(PRESENCE_PREFIX)) {
                        return Err(Error::invalid_input(
                            "info",
                            "user_count is available only with a presence- prefix",
                        ));
                    }
                }
                other => {
                    return Err(Error::invalid_input(
                        "info",
                        format!("{} is not offered by channels_info", other.as_str()),
                    ));
                }
            }
        }
        let info = info_param(attributes);
        let mut params = Vec::new();
        if let Some(prefix) = prefix {
            params.push(("filter_by_prefix", prefix));
        }
        if let Some(info) = &info {
            params.push(("info", info.as_str()));
        }
        let path = format!("/apps/{}/channels", self.inner.app_id);
        self.get(&path, &params).await
    }

    /// One channel's state, with the attributes asked for: `subscription_count`,
    /// `user_count` of a presence channel, `cache` of a cache channel (`cache-`,
    /// `private-cache-`, `private-encrypted-cache-`, `presence-cache-`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed channel name, `.` or `..` (which a URL would
    /// resolve away), or an attribute the channel does not have (the service refuses those
    /// too); [`Error::Api`] and transport errors; [`Error::Decode`] for an answer without
    /// `occupied`.
    pub async fn channel_info(
        &self,
        channel: &str,
        attributes: &[Attribute],
    ) -> Result<ChannelInfo> {
        validate::channel_segment(channel)?;
        let presence = channel.starts_with(PRESENCE_PREFIX);
        for attribute in attributes {
            let refusal = match attribute {
                Attribute::UserCount if !presence => {
                    "user_count is available only for presence channels"
                }
                Attribute::Cache if !validate::is_cache_channel(channel) => {
                    "cache is available only for cache channels"
                }
                _ => continue,
            };
            return Err(Error::invalid_input("info", refusal));
        }
        let info = info_param(attributes);
        let mut params = Vec::new();
        if let Some(info) = &info {
            params.push(("info", info.as_str()));
        }
        let path = format!("/apps/{}/channels/{channel}", self.inner.app_id);
        self.get(&path, &params).await
    }

    /// The users on a presence channel.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a channel that is not a valid presence channel name;
    /// [`Error::Api`] and transport errors.
    pub async fn users_info(&self, channel: &str) -> Result<UsersInfo> {
        validate::channel_segment(channel)?;
        if !channel.starts_with(PRESENCE_PREFIX) {
            return Err(Error::invalid_input(
                "channel",
                "users can be listed only on presence- channels",
            ));
        }
        let path = format!("/apps/{}/channels/{channel}/users", self.inner.app_id);
        self.get(&path, &[]).await
    }
}

/// The answer of [`channels_info`](crate::Client::channels_info): the occupied channels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ChannelsInfo {
    /// Channel name → attributes (only `user_count`, and only when asked for). Required in
    /// the answer: a body without it is a decode error.
    pub channels: HashMap<String, ChannelAttributes>,
}

/// The answer of [`channel_info`](crate::Client::channel_info).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ChannelInfo {
    /// Whether the channel has at least one subscriber. The service always reports it; an
    /// answer without it is a decode error, never a guess.
    pub occupied: bool,
    /// Connections subscribed, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_count: Option<u64>,
    /// Distinct users (presence channels), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
    /// The cached event of a cache channel, when asked for and present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CachedEvent>,
}

/// The last event of a cache channel.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CachedEvent {
    /// The event's data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Seconds the cached event still lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u64>,
}

/// The answer of [`users_info`](crate::Client::users_info).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct UsersInfo {
    /// The users subscribed to the presence channel. Required in the answer.
    pub users: Vec<PresenceUser>,
}

/// A user on a presence channel.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct PresenceUser {
    /// The user id given when the user was authorized.
    pub id: String,
}
