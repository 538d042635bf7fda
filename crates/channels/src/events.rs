//! Events: their data, trigger options, batch entries and the typed answers.

use std::collections::HashMap;

use push_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::validate;

/// Channel attributes the API can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Attribute {
    /// `subscription_count`: connections subscribed to the channel.
    SubscriptionCount,
    /// `user_count`: distinct users on a presence channel.
    UserCount,
    /// `cache`: the cached event of a cache channel (`channel_info` only).
    Cache,
}

impl Attribute {
    /// The attribute's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubscriptionCount => "subscription_count",
            Self::UserCount => "user_count",
            Self::Cache => "cache",
        }
    }
}

/// Joins attributes as the `info` parameter (`subscription_count,user_count`), without
/// repeats, in the order given.
pub(crate) fn info_param(attributes: &[Attribute]) -> Option<String> {
    let mut seen: Vec<Attribute> = Vec::with_capacity(attributes.len());
    for a in attributes {
        if !seen.contains(a) {
            seen.push(*a);
        }
    }
    if seen.is_empty() {
        return None;
    }
    Some(
        seen.iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Turns event data into the `data` string: a string is used unchanged, anything else is
/// serialised as compact JSON (never both).
///
/// ```
/// use channels::event_data;
///
/// assert_eq!(event_data("already text")?, "already text");
/// assert_eq!(event_data(&serde_json::json!({"n": 1}))?, r#"{"n":1}"#);
/// # Ok::<(), channels::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] when the value cannot be serialised (a map with non-string keys,
/// for example).
pub fn event_data<T: Serialize + ?Sized>(data: &T) -> Result<String> {
    // A value serde_json would write as a JSON string is sent as that string, not quoted.
    if let Some(text) = crate::text::as_text(data) {
        return Ok(text);
    }
    let json = serde_json::to_string(data)
        .map_err(|e| Error::invalid_input("data", format!("cannot be serialised: {e}")))?;
    if json.starts_with('"') {
        // A string the probe left alone (a raw JSON string literal): send it unquoted too.
        return serde_json::from_str::<String>(&json)
            .map_err(|e| Error::invalid_input("data", e.to_string()));
    }
    Ok(json)
}

/// Options of a trigger: the connection to exclude and the attributes to report.
///
/// ```
/// use channels::{Attribute, TriggerOptions};
///
/// let options = TriggerOptions::new()
///     .socket_id("123.456")
///     .info([Attribute::SubscriptionCount]);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriggerOptions {
    pub(crate) socket_id: Option<String>,
    pub(crate) info: Vec<Attribute>,
}

impl TriggerOptions {
    /// No exclusion, no attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Excludes this connection (usually the one that caused the event) from receiving it.
    pub fn socket_id(mut self, socket_id: impl Into<String>) -> Self {
        self.socket_id = Some(socket_id.into());
        self
    }

    /// Asks for these attributes of every channel the event reached.
    pub fn info(mut self, attributes: impl IntoIterator<Item = Attribute>) -> Self {
        self.info = attributes.into_iter().collect();
        self
    }
}

/// The channels one trigger addresses: a single name or a list.
pub trait IntoChannels {
    /// The channel names.
    fn into_channels(self) -> Vec<String>;
}

impl IntoChannels for &str {
    fn into_channels(self) -> Vec<String> {
        vec![self.to_owned()]
    }
}

impl IntoChannels for String {
    fn into_channels(self) -> Vec<String> {
        vec![self]
    }
}

impl IntoChannels for &String {
    fn into_channels(self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl<S: AsRef<str>> IntoChannels for &[S] {
    fn into_channels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>, const N: usize> IntoChannels for [S; N] {
    fn into_channels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>> IntoChannels for Vec<S> {
    fn into_channels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }
}

/// One event of a [`trigger_batch`](crate::Client::trigger_batch).
///
/// ```
/// use channels::{Attribute, BatchEvent};
///
/// let event = BatchEvent::new("my-channel", "my-event", &serde_json::json!({"n": 1}))?
///     .socket_id("123.456")
///     .info([Attribute::SubscriptionCount]);
/// # let _ = event;
/// # Ok::<(), channels::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEvent {
    pub(crate) channel: String,
    pub(crate) name: String,
    pub(crate) data: String,
    pub(crate) socket_id: Option<String>,
    pub(crate) info: Vec<Attribute>,
}

impl BatchEvent {
    /// An event named `name` on `channel`, its data serialised as [`event_data`] does.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the data cannot be serialised. Names are checked when the
    /// batch is sent.
    pub fn new<T: Serialize + ?Sized>(
        channel: impl Into<String>,
        name: impl Into<String>,
        data: &T,
    ) -> Result<Self> {
        Ok(Self {
            channel: channel.into(),
            name: name.into(),
            data: event_data(data)?,
            socket_id: None,
            info: Vec::new(),
        })
    }

    /// Excludes this connection from receiving the event.
    pub fn socket_id(mut self, socket_id: impl Into<String>) -> Self {
        self.socket_id = Some(socket_id.into());
        self
    }

    /// Asks for these attributes of the event's channel.
    pub fn info(mut self, attributes: impl IntoIterator<Item = Attribute>) -> Self {
        self.info = attributes.into_iter().collect();
        self
    }

    /// The channel.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The event name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The data string as it will be sent (before encryption).
    pub fn data(&self) -> &str {
        &self.data
    }
}

/// The body of `POST /events`, in the field order pusher-http-node sends.
#[derive(Serialize)]
pub(crate) struct TriggerBody<'a> {
    pub(crate) name: &'a str,
    pub(crate) data: &'a str,
    pub(crate) channels: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) socket_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) info: Option<&'a str>,
}

/// One event in the body of `POST /batch_events`.
#[derive(Serialize)]
pub(crate) struct BatchBodyEvent<'a> {
    pub(crate) channel: &'a str,
    pub(crate) name: &'a str,
    pub(crate) data: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) socket_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) info: Option<String>,
}

/// The body of `POST /batch_events`.
#[derive(Serialize)]
pub(crate) struct BatchBody<'a> {
    pub(crate) batch: Vec<BatchBodyEvent<'a>>,
}

/// Attributes of one channel, as far as they were asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ChannelAttributes {
    /// Connections subscribed, when `subscription_count` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_count: Option<u64>,
    /// Distinct users, when `user_count` was asked for (presence channels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
}

/// The answer to a trigger: the attributes of each channel when `info` was asked for, and
/// empty otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TriggerResponse {
    /// Channel name → attributes.
    #[serde(default)]
    pub channels: HashMap<String, ChannelAttributes>,
}

/// The answer to a batch trigger: one entry per event, in order (empty entries unless `info`
/// was asked for).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BatchResponse {
    /// Attributes per event, in the order of the batch.
    #[serde(default)]
    pub batch: Vec<ChannelAttributes>,
}

/// Checks a trigger's options.
pub(crate) fn check_options(options: &TriggerOptions) -> Result<()> {
    check_event_options(options.socket_id.as_deref(), &options.info)
}

/// Checks what one event may carry besides its data: the excluded connection and the
/// attributes asked for (shared by triggers and batch entries).
pub(crate) fn check_event_options(socket_id: Option<&str>, info: &[Attribute]) -> Result<()> {
    if let Some(socket_id) = socket_id {
        validate::socket_id(socket_id)?;
    }
    if info.contains(&Attribute::Cache) {
        return Err(Error::invalid_input(
            "info",
            "`cache` can be asked for only by channel_info",
        ));
    }
    Ok(())
}
