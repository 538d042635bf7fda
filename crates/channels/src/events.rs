//! Events: `POST /apps/{id}/events` and `/batch_events` — triggers, batches, their options,
//! the event data and the typed answers.

use std::collections::HashMap;

use push_core::{Error, Request, Result};
use serde::{Deserialize, Serialize};

use crate::client::{Client, decode};
use crate::{json, validate};

impl Client {
    /// Triggers `event` on one channel or up to 100. A string `data` is sent unchanged, any
    /// other value as compact JSON.
    ///
    /// ```no_run
    /// # async fn run(client: push_channels::Client) -> push_channels::Result<()> {
    /// client.trigger("my-channel", "my-event", "plain text").await?;
    /// client.trigger(["a", "b"], "my-event", &serde_json::json!({"n": 1})).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before sending for a bad channel, event name, data size, or an
    /// encrypted channel among several; [`Error::Api`] when Channels refuses; transport errors.
    pub fn trigger<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
    ) -> impl Future<Output = Result<TriggerResponse>> {
        // The options are borrowed for as long as the future lives: a static default, so
        // that this returns `trigger_with`'s future itself rather than one wrapping it.
        static NO_OPTIONS: TriggerOptions = TriggerOptions::new();
        self.trigger_with(channels, event, data, &NO_OPTIONS)
    }

    /// [`trigger`](Self::trigger) with options: a connection to exclude, attributes to report.
    ///
    /// ```no_run
    /// use push_channels::{Attribute, TriggerOptions};
    /// # async fn run(client: push_channels::Client) -> push_channels::Result<()> {
    /// let options = TriggerOptions::new().socket_id("123.456").info([Attribute::SubscriptionCount]);
    /// let answer = client.trigger_with("my-channel", "my-event", "hi", &options).await?;
    /// let count = answer.channels["my-channel"].subscription_count;
    /// # let _ = count; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`trigger`](Self::trigger), plus a malformed socket id.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` would hold each argument twice in its future"
    )]
    pub fn trigger_with<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
        options: &TriggerOptions,
    ) -> impl Future<Output = Result<TriggerResponse>> {
        // Not an `async fn` (which holds its arguments twice): one `async move` block, as
        // small as the transport's future allows.
        async move {
            let request = self.trigger_request(channels, event, data, options)?;
            let response = self.inner.transport.send(request).await?;
            decode(&response)
        }
    }

    /// The signed request of a trigger, after every check: built when the trigger's future
    /// first runs, so that its signature's timestamp is the time it is sent.
    fn trigger_request<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
        options: &TriggerOptions,
    ) -> Result<Request> {
        let data = event_data(data)?;
        let body = channels.with_names(|names| self.trigger_body(names, event, &data, options))?;
        Ok(self.events_request(body))
    }

    /// Builds the exact body of a trigger, after every check.
    fn trigger_body(
        &self,
        channels: &[&str],
        event: &str,
        data: &str,
        options: &TriggerOptions,
    ) -> Result<Vec<u8>> {
        validate::channel_count(channels.len())?;
        for channel in channels {
            validate::channel_name(channel)?;
        }
        self.event_body(channels, event, data, options)
    }

    /// The body of a trigger to channels already checked (or built by `send_to_user`).
    pub(crate) fn event_body<C: AsRef<str>>(
        &self,
        channels: &[C],
        event: &str,
        data: &str,
        options: &TriggerOptions,
    ) -> Result<Vec<u8>> {
        validate::event_name(event)?;
        check_options(options)?;
        let encrypted = channels
            .iter()
            .any(|c| validate::is_encrypted_channel(c.as_ref()));
        if encrypted && channels.len() > 1 {
            return Err(Error::invalid_input(
                "channels",
                "an encrypted channel cannot share a trigger with other channels",
            ));
        }
        let sealed;
        let data = if encrypted {
            sealed = self.encrypt(channels[0].as_ref(), data)?;
            sealed.as_str()
        } else {
            data
        };
        validate::data_size(data.len(), self.inner.max_data_bytes)?;
        let info = info_param(&options.info);
        let body = TriggerBody {
            name: event,
            data,
            channels,
            socket_id: options.socket_id.as_deref(),
            info: info.as_deref(),
        };
        // Room for the data escaped a little, the names and the keys: usually one allocation.
        let estimate = data.len()
            + data.len() / 8
            + event.len()
            + channels.iter().map(|c| c.as_ref().len() + 3).sum::<usize>()
            + 64;
        let mut out = Vec::with_capacity(estimate);
        body.write(&mut out);
        Ok(out)
    }

    /// Triggers up to 10 events, each on its own channel, in one request.
    ///
    /// ```no_run
    /// use push_channels::BatchEvent;
    /// # async fn run(client: push_channels::Client) -> push_channels::Result<()> {
    /// client.trigger_batch(&[
    ///     BatchEvent::new("room-1", "message", "hello")?,
    ///     BatchEvent::new("room-2", "message", &serde_json::json!({"n": 2}))?,
    /// ]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`trigger_with`](Self::trigger_with), for each event; an empty or over-long batch.
    pub async fn trigger_batch(&self, events: &[BatchEvent]) -> Result<BatchResponse> {
        let request = self.batch_events_request(self.batch_body(events)?);
        let response = self.inner.transport.send(request).await?;
        decode(&response)
    }

    pub(crate) fn batch_body(&self, events: &[BatchEvent]) -> Result<Vec<u8>> {
        validate::batch_size(events.len())?;
        let mut sealed: Vec<Option<String>> = Vec::with_capacity(events.len());
        for event in events {
            validate::channel_name(&event.channel)?;
            validate::event_name(&event.name)?;
            check_options(&event.options)?;
            let encrypted = if validate::is_encrypted_channel(&event.channel) {
                Some(self.encrypt(&event.channel, &event.data)?)
            } else {
                None
            };
            validate::data_size(
                encrypted.as_deref().unwrap_or(&event.data).len(),
                self.inner.max_data_bytes,
            )?;
            sealed.push(encrypted);
        }
        let batch = events
            .iter()
            .zip(&sealed)
            .map(|(event, sealed)| BatchBodyEvent {
                channel: &event.channel,
                name: &event.name,
                data: sealed.as_deref().unwrap_or(&event.data),
                socket_id: event.options.socket_id.as_deref(),
                info: info_param(&event.options.info),
            })
            .collect();
        serde_json::to_vec(&BatchBody { batch })
            .map_err(|e| Error::invalid_input("batch", e.to_string()))
    }
}

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
/// use push_channels::event_data;
///
/// assert_eq!(event_data("already text")?, "already text");
/// assert_eq!(event_data(&serde_json::json!({"n": 1}))?, r#"{"n":1}"#);
/// # Ok::<(), push_channels::Error>(())
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
/// use push_channels::{Attribute, TriggerOptions};
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
    pub const fn new() -> Self {
        Self {
            socket_id: None,
            info: Vec::new(),
        }
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
///
/// ```
/// use push_channels::IntoChannels;
///
/// assert_eq!("a".into_channels(), ["a"]);
/// assert_eq!(["a", "b"].with_names(|names| names.join(",")), "a,b");
/// ```
pub trait IntoChannels {
    /// The channel names.
    fn into_channels(self) -> Vec<String>;

    /// Calls `f` with the channel names borrowed, and returns what it returns. A trigger
    /// reads the names only: a single name or an array is lent as it is, where
    /// [`into_channels`](Self::into_channels) would copy each one. The provided version
    /// borrows from `into_channels`' list.
    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R
    where
        Self: Sized,
    {
        let owned = self.into_channels();
        let names: Vec<&str> = owned.iter().map(String::as_str).collect();
        f(&names)
    }
}

impl IntoChannels for &str {
    fn into_channels(self) -> Vec<String> {
        vec![self.to_owned()]
    }

    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R {
        f(&[self])
    }
}

impl IntoChannels for String {
    fn into_channels(self) -> Vec<String> {
        vec![self]
    }

    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R {
        f(&[self.as_str()])
    }
}

impl IntoChannels for &String {
    fn into_channels(self) -> Vec<String> {
        vec![self.clone()]
    }

    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R {
        f(&[self.as_str()])
    }
}

impl<S: AsRef<str>> IntoChannels for &[S] {
    fn into_channels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }

    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R {
        let names: Vec<&str> = self.iter().map(AsRef::as_ref).collect();
        f(&names)
    }
}

impl<S: AsRef<str>, const N: usize> IntoChannels for [S; N] {
    fn into_channels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }

    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R {
        f(&self.each_ref().map(AsRef::as_ref))
    }
}

impl<S: AsRef<str>> IntoChannels for Vec<S> {
    fn into_channels(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_owned()).collect()
    }

    fn with_names<R>(self, f: impl FnOnce(&[&str]) -> R) -> R {
        self.as_slice().with_names(f)
    }
}

/// One event of a [`trigger_batch`](crate::Client::trigger_batch).
///
/// ```
/// use push_channels::{Attribute, BatchEvent};
///
/// let event = BatchEvent::new("my-channel", "my-event", &serde_json::json!({"n": 1}))?
///     .socket_id("123.456")
///     .info([Attribute::SubscriptionCount]);
/// # let _ = event;
/// # Ok::<(), push_channels::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEvent {
    pub(crate) channel: String,
    pub(crate) name: String,
    pub(crate) data: String,
    /// The same options a trigger takes, for this one event.
    pub(crate) options: TriggerOptions,
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
            options: TriggerOptions::new(),
        })
    }

    /// Excludes this connection from receiving the event.
    pub fn socket_id(mut self, socket_id: impl Into<String>) -> Self {
        self.options = std::mem::take(&mut self.options).socket_id(socket_id);
        self
    }

    /// Asks for these attributes of the event's channel.
    pub fn info(mut self, attributes: impl IntoIterator<Item = Attribute>) -> Self {
        self.options = std::mem::take(&mut self.options).info(attributes);
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

/// The body of `POST /events`, in the field order pusher-http-node sends. Written by
/// [`TriggerBody::write`]; its tests check that against this derive.
#[cfg_attr(test, derive(Serialize))]
pub(crate) struct TriggerBody<'a, C> {
    pub(crate) name: &'a str,
    pub(crate) data: &'a str,
    pub(crate) channels: &'a [C],
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) socket_id: Option<&'a str>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub(crate) info: Option<&'a str>,
}

impl<C: AsRef<str>> TriggerBody<'_, C> {
    /// Appends the body: what serde_json writes for the derived `Serialize`, key order and
    /// skipped `None`s included.
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"name\":");
        json::push_string(out, self.name);
        out.extend_from_slice(b",\"data\":");
        json::push_string(out, self.data);
        out.extend_from_slice(b",\"channels\":[");
        for (i, channel) in self.channels.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json::push_string(out, channel.as_ref());
        }
        out.push(b']');
        if let Some(socket_id) = self.socket_id {
            out.extend_from_slice(b",\"socket_id\":");
            json::push_string(out, socket_id);
        }
        if let Some(info) = self.info {
            out.extend_from_slice(b",\"info\":");
            json::push_string(out, info);
        }
        out.push(b'}');
    }
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TriggerResponse {
    /// Channel name → attributes.
    #[serde(default)]
    pub channels: HashMap<String, ChannelAttributes>,
}

/// The answer to a batch trigger: one entry per event, in order (empty entries unless `info`
/// was asked for).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct BatchResponse {
    /// Attributes per event, in the order of the batch.
    #[serde(default)]
    pub batch: Vec<ChannelAttributes>,
}

/// Checks what one event may carry besides its data (a trigger's options, or a batch
/// entry's): the excluded connection and the attributes asked for.
pub(crate) fn check_options(options: &TriggerOptions) -> Result<()> {
    if let Some(socket_id) = &options.socket_id {
        validate::socket_id(socket_id)?;
    }
    if options.info.contains(&Attribute::Cache) {
        return Err(Error::invalid_input(
            "info",
            "`cache` can be asked for only by channel_info",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{IntoChannels, TriggerBody};

    /// The names `with_names` lends.
    fn lent(channels: impl IntoChannels) -> Vec<String> {
        channels.with_names(|names| names.iter().map(|n| n.to_string()).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The hand-written body is what serde_json writes for the derived `Serialize`: any
        /// texts, any number of channels, each optional field present or not.
        #[test]
        fn a_trigger_body_is_written_as_serde_json_writes_it(
            name in any::<String>(),
            data in any::<String>(),
            channels in proptest::collection::vec(any::<String>(), 0..4),
            socket_id in proptest::option::of(any::<String>()),
            info in proptest::option::of("[a-z_,\"]{0,20}"),
        ) {
            let body = TriggerBody {
                name: &name,
                data: &data,
                channels: &channels,
                socket_id: socket_id.as_deref(),
                info: info.as_deref(),
            };
            let mut written = Vec::new();
            body.write(&mut written);
            prop_assert_eq!(written, serde_json::to_vec(&body).expect("serialisable"));
        }

        /// Every form of channel list lends the names `into_channels` gives, in order.
        #[test]
        fn lent_names_are_the_owned_names(
            channels in proptest::collection::vec(any::<String>(), 0..4),
        ) {
            prop_assert_eq!(&lent(channels.as_slice()), &channels);
            prop_assert_eq!(lent(&channels[..]), channels.as_slice().into_channels());
            let refs: Vec<&str> = channels.iter().map(String::as_str).collect();
            prop_assert_eq!(lent(refs), channels.clone());
            prop_assert_eq!(lent(channels.clone()), channels.clone());
            if let Some(first) = channels.first() {
                prop_assert_eq!(lent(first.as_str()), vec![first.clone()]);
                prop_assert_eq!(lent(first), vec![first.clone()]);
                prop_assert_eq!(lent(first.clone()), vec![first.clone()]);
            }
        }
    }

    #[test]
    fn an_array_lends_its_names_in_order() {
        assert_eq!(lent(["a", "b", "c"]), ["a", "b", "c"]);
        assert_eq!(lent([String::from("x")]), ["x"]);
        let none: [&str; 0] = [];
        assert_eq!(lent(none), Vec::<String>::new());
    }
}
