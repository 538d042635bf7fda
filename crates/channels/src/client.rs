//! The Channels client: every HTTP endpoint, authorization and webhooks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use push_core::{
    ApiError, Clock, Endpoint, Error, HmacSha256Key, Method, Request, Response, Result, Transport,
    constant_time_eq,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{ChannelAuth, PresenceMember, UserAuth, UserData};
use crate::config::ClientBuilder;
use crate::encryption::{MasterKey, NonceSource};
use crate::events::{
    Attribute, BatchBody, BatchBodyEvent, BatchEvent, BatchResponse, IntoChannels, TriggerBody,
    TriggerOptions, TriggerResponse, check_event_options, check_options, event_data, info_param,
};
use crate::queries::{ChannelInfo, ChannelsInfo, UsersInfo};
use crate::signing::{auth_string, check_request, sign_query};
use crate::validate::{self, PRESENCE_PREFIX, PRIVATE_PREFIX, SERVER_TO_USER_PREFIX};
use crate::webhook::{Webhook, WebhookEvent, is_json_content_type};

/// The value of the `X-Pusher-Library` header.
pub const LIBRARY: &str = concat!("push-rs-channels ", env!("CARGO_PKG_VERSION"));

/// Characters percent-encoded in a path segment: all but RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A Pusher Channels client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> channels::Result<()> {
/// let client = channels::Client::builder("123456", "app-key", "app-secret")
///     .cluster("eu")
///     .build()?;
/// client.trigger("my-channel", "my-event", &serde_json::json!({"message": "hi"})).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    /// The two trigger URLs, parsed once (the signed query is set per request).
    events: Endpoint,
    batch_events: Endpoint,
    app_id: String,
    key: String,
    secret: HmacSha256Key,
    master_key: Option<MasterKey>,
    max_data_bytes: Option<usize>,
    clock: Clock,
    nonce_source: NonceSource,
    webhook_max_age: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.app_id)
            .field("key", &self.inner.key)
            .field("base_url", &self.inner.transport.base_url())
            .field("encryption", &self.inner.master_key.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder::new(app_id, key, secret)
    }

    /// A client from `https://key:secret@host[:port]/apps/{app_id}`.
    ///
    /// # Errors
    /// See [`ClientBuilder::from_url`] and [`ClientBuilder::build`].
    pub fn from_url(url: &str) -> Result<Self> {
        ClientBuilder::from_url(url)?.build()
    }

    /// A client from `PUSHER_URL` or `PUSHER_APP_ID`/`PUSHER_KEY`/`PUSHER_SECRET`/
    /// `PUSHER_CLUSTER`.
    ///
    /// # Errors
    /// See [`ClientBuilder::from_env`] and [`ClientBuilder::build`].
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        builder: ClientBuilder,
        base_url: String,
        master_key: Option<MasterKey>,
    ) -> Result<Self> {
        // Channels answers errors as plain text (`Invalid signature: ...`): push-core's default
        // parser keeps it as the message.
        let mut transport = Transport::builder(base_url).header("X-Pusher-Library", LIBRARY);
        if let Some(timeout) = builder.timeout {
            transport = transport.timeout(timeout);
        }
        if let Some(timeout) = builder.connect_timeout {
            transport = transport.connect_timeout(timeout);
        }
        if let Some(policy) = builder.retry.clone() {
            transport = transport.retry_policy(policy);
        }
        if let Some(client) = builder.http_client.clone() {
            transport = transport.http_client(client);
        }
        let transport = transport.build()?;
        let events = transport.endpoint(&format!("/apps/{}/events", builder.app_id))?;
        let batch_events = transport.endpoint(&format!("/apps/{}/batch_events", builder.app_id))?;
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                events,
                batch_events,
                secret: HmacSha256Key::new(builder.secret.expose().as_bytes()),
                app_id: builder.app_id,
                key: builder.key,
                master_key,
                max_data_bytes: builder.max_data_bytes,
                clock: builder.clock,
                nonce_source: builder.nonce_source,
                webhook_max_age: builder.webhook_max_age,
            }),
        })
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// The app key (public: pusher-js uses it too).
    pub fn key(&self) -> &str {
        &self.inner.key
    }

    /// Where requests go: `scheme://host[:port]`.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    // ----- events -------------------------------------------------------------------------

    /// Triggers `event` on one channel or up to 100. A string `data` is sent unchanged, any
    /// other value as compact JSON.
    ///
    /// ```no_run
    /// # async fn run(client: channels::Client) -> channels::Result<()> {
    /// client.trigger("my-channel", "my-event", "plain text").await?;
    /// client.trigger(["a", "b"], "my-event", &serde_json::json!({"n": 1})).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before sending for a bad channel, event name, data size, or an
    /// encrypted channel among several; [`Error::Api`] when Channels refuses; transport errors.
    pub async fn trigger<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
    ) -> Result<TriggerResponse> {
        self.trigger_with(channels, event, data, &TriggerOptions::new())
            .await
    }

    /// [`trigger`](Self::trigger) with options: a connection to exclude, attributes to report.
    ///
    /// ```no_run
    /// use channels::{Attribute, TriggerOptions};
    /// # async fn run(client: channels::Client) -> channels::Result<()> {
    /// let options = TriggerOptions::new().socket_id("123.456").info([Attribute::SubscriptionCount]);
    /// let answer = client.trigger_with("my-channel", "my-event", "hi", &options).await?;
    /// let count = answer.channels["my-channel"].subscription_count;
    /// # let _ = count; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`trigger`](Self::trigger), plus a malformed socket id.
    pub async fn trigger_with<T: Serialize + ?Sized>(
        &self,
        channels: impl IntoChannels,
        event: &str,
        data: &T,
        options: &TriggerOptions,
    ) -> Result<TriggerResponse> {
        let channels = channels.into_channels();
        let data = event_data(data)?;
        let body = self.trigger_body(&channels, event, &data, options)?;
        self.post(Request::to(Method::Post, &self.inner.events), body)
            .await
    }

    /// Builds the exact body of a trigger, after every check.
    fn trigger_body(
        &self,
        channels: &[String],
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
    fn event_body(
        &self,
        channels: &[String],
        event: &str,
        data: &str,
        options: &TriggerOptions,
    ) -> Result<Vec<u8>> {
        validate::event_name(event)?;
        check_options(options)?;
        let encrypted = channels.iter().any(|c| validate::is_encrypted_channel(c));
        if encrypted && channels.len() > 1 {
            return Err(Error::invalid_input(
                "channels",
                "an encrypted channel cannot share a trigger with other channels",
            ));
        }
        let sealed;
        let data = if encrypted {
            sealed = self.encrypt(&channels[0], data)?;
            sealed.as_str()
        } else {
            data
        };
        validate::data_size(data, self.inner.max_data_bytes)?;
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
            + channels.iter().map(|c| c.len() + 3).sum::<usize>()
            + 64;
        let mut out = Vec::with_capacity(estimate);
        serde_json::to_writer(&mut out, &body)
            .map_err(|e| Error::invalid_input("data", e.to_string()))?;
        Ok(out)
    }

    /// Triggers up to 10 events, each on its own channel, in one request.
    ///
    /// ```no_run
    /// use channels::BatchEvent;
    /// # async fn run(client: channels::Client) -> channels::Result<()> {
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
        let body = self.batch_body(events)?;
        self.post(Request::to(Method::Post, &self.inner.batch_events), body)
            .await
    }

    fn batch_body(&self, events: &[BatchEvent]) -> Result<Vec<u8>> {
        validate::batch_size(events.len())?;
        let mut sealed: Vec<Option<String>> = Vec::with_capacity(events.len());
        for event in events {
            validate::channel_name(&event.channel)?;
            validate::event_name(&event.name)?;
            check_event_options(event.socket_id.as_deref(), &event.info)?;
            let encrypted = if validate::is_encrypted_channel(&event.channel) {
                Some(self.encrypt(&event.channel, &event.data)?)
            } else {
                None
            };
            validate::data_size(
                encrypted.as_deref().unwrap_or(&event.data),
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
                socket_id: event.socket_id.as_deref(),
                info: info_param(&event.info),
            })
            .collect();
        serde_json::to_vec(&BatchBody { batch })
            .map_err(|e| Error::invalid_input("batch", e.to_string()))
    }

    /// Sends `event` to every connection of a signed-in user (the channel
    /// `#server-to-user-{user_id}`).
    ///
    /// # Errors
    /// As [`trigger`](Self::trigger); a malformed user id.
    pub async fn send_to_user<T: Serialize + ?Sized>(
        &self,
        user_id: &str,
        event: &str,
        data: &T,
    ) -> Result<TriggerResponse> {
        validate::user_id(user_id)?;
        let channels = [format!("{SERVER_TO_USER_PREFIX}{user_id}")];
        let data = event_data(data)?;
        let body = self.event_body(&channels, event, &data, &TriggerOptions::new())?;
        self.post(Request::to(Method::Post, &self.inner.events), body)
            .await
    }

    /// Disconnects every connection of a signed-in user.
    ///
    /// # Errors
    /// A malformed user id; [`Error::Api`] when Channels refuses; transport errors.
    pub async fn terminate_user_connections(&self, user_id: &str) -> Result<()> {
        validate::user_id_segment(user_id)?;
        let path = format!(
            "/apps/{}/users/{}/terminate_connections",
            self.inner.app_id,
            utf8_percent_encode(user_id, SEGMENT)
        );
        let _: serde_json::Value = self.post(Request::post(path), b"{}".to_vec()).await?;
        Ok(())
    }

    // ----- queries ------------------------------------------------------------------------

    /// The occupied channels, optionally only those starting with `prefix`, with the
    /// attributes asked for (`user_count` needs the prefix `presence-`).
    ///
    /// ```no_run
    /// use channels::Attribute;
    /// # async fn run(client: channels::Client) -> channels::Result<()> {
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

    // ----- authorization ------------------------------------------------------------------

    /// Authorizes a connection to subscribe to a private, presence or private-encrypted
    /// channel. Presence channels need `member`; the others must not have one.
    ///
    /// ```
    /// use channels::PresenceMember;
    ///
    /// let client = channels::Client::builder("1", "278d425bdf160c739803", "7ad3773142a6692b25b8").build()?;
    /// let auth = client.authorize_channel("1234.1234", "private-foobar", None)?;
    /// assert_eq!(auth.auth, "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
    ///
    /// let member = PresenceMember::new("user-1").user_info(&serde_json::json!({"name": "Alice"}))?;
    /// let auth = client.authorize_channel("1234.1234", "presence-room", Some(&member))?;
    /// assert_eq!(auth.channel_data.as_deref(), Some(r#"{"user_id":"user-1","user_info":{"name":"Alice"}}"#));
    /// # Ok::<(), channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed socket id or channel, a public channel, a
    /// presence channel without member (or another with one), an empty user id;
    /// [`Error::Config`] for an encrypted channel when no master key is configured.
    pub fn authorize_channel(
        &self,
        socket_id: &str,
        channel: &str,
        member: Option<&PresenceMember>,
    ) -> Result<ChannelAuth> {
        validate::socket_id(socket_id)?;
        validate::channel_name(channel)?;
        let inner = &*self.inner;
        let is_presence = channel.starts_with(PRESENCE_PREFIX);
        if !is_presence && !channel.starts_with(PRIVATE_PREFIX) {
            return Err(Error::invalid_input(
                "channel",
                "only private-, private-encrypted- and presence- channels need authorization",
            ));
        }
        let channel_data = match (is_presence, member) {
            (true, Some(member)) => {
                validate::presence_user_id(member.user_id())?;
                if let Some(info) = member.user_info_json() {
                    validate::presence_user_info(info)?;
                }
                Some(member.to_json())
            }
            (true, None) => {
                return Err(Error::invalid_input(
                    "member",
                    "a presence channel needs member data",
                ));
            }
            (false, Some(_)) => {
                return Err(Error::invalid_input(
                    "member",
                    "member data belongs to presence channels only",
                ));
            }
            (false, None) => None,
        };
        let auth = match &channel_data {
            Some(data) => auth_string(
                &inner.key,
                &inner.secret,
                &[
                    socket_id.as_bytes(),
                    b":",
                    channel.as_bytes(),
                    b":",
                    data.as_bytes(),
                ],
            ),
            None => auth_string(
                &inner.key,
                &inner.secret,
                &[socket_id.as_bytes(), b":", channel.as_bytes()],
            ),
        };
        let result = ChannelAuth {
            auth,
            channel_data,
            shared_secret: None,
        };
        if validate::is_encrypted_channel(channel) {
            let key = self.master_key()?;
            return Ok(result.with_shared_secret(&key.shared_secret(channel)));
        }
        Ok(result)
    }

    /// Signs in a user on a connection (pusher-js `signin`).
    ///
    /// ```
    /// use channels::UserData;
    ///
    /// let client = channels::Client::builder("1", "key", "secret").build()?;
    /// let auth = client.authenticate_user("123.456", &UserData::new("user-1"))?;
    /// assert_eq!(auth.user_data, r#"{"id":"user-1"}"#);
    /// # Ok::<(), channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed socket id, user id or watchlist entry.
    pub fn authenticate_user(&self, socket_id: &str, user: &UserData) -> Result<UserAuth> {
        validate::socket_id(socket_id)?;
        // The service asks only for a non-empty id; watchlist entries are the app's own ids.
        validate::user_id(user.id())?;
        let user_data = user.to_json();
        let auth = auth_string(
            &self.inner.key,
            &self.inner.secret,
            &[socket_id.as_bytes(), b"::user::", user_data.as_bytes()],
        );
        Ok(UserAuth { auth, user_data })
    }

    /// The base64 key of an encrypted channel, as pusher-js receives it in `shared_secret`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a channel that is not `private-encrypted-*`;
    /// [`Error::Config`] without a master key.
    pub fn channel_shared_secret(&self, channel: &str) -> Result<String> {
        use base64::Engine as _;
        validate::channel_name(channel)?;
        if !validate::is_encrypted_channel(channel) {
            return Err(Error::invalid_input(
                "channel",
                "not a private-encrypted- channel",
            ));
        }
        let key = self.master_key()?;
        Ok(base64::engine::general_purpose::STANDARD.encode(key.shared_secret(channel)))
    }

    // ----- webhooks -----------------------------------------------------------------------

    /// Verifies a webhook from its `X-Pusher-Key` and `X-Pusher-Signature` headers and the
    /// raw body bytes, and returns its events. Encrypted `client_event` data is decrypted
    /// when a master key is configured.
    ///
    /// ```
    /// let client = channels::Client::builder("1", "278d425bdf160c739803", "7ad3773142a6692b25b8").build()?;
    /// let body = br#"{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"test-channel"}]}"#;
    /// let webhook = client.validate_webhook(
    ///     "278d425bdf160c739803",
    ///     "c7f99839c5df006529a61d1236687af10fae79eb1d4e701d644fab3e9e81f5e8",
    ///     body,
    /// )?;
    /// assert!(matches!(&webhook.events[0], channels::WebhookEvent::ChannelOccupied { channel } if channel == "test-channel"));
    /// # Ok::<(), channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Webhook`] when the key is not this app's, the signature does not match, the
    /// body is not a webhook, it is older than the configured maximum age, or an encrypted
    /// payload cannot be opened.
    pub fn validate_webhook(&self, key: &str, signature: &str, body: &[u8]) -> Result<Webhook> {
        let inner = &*self.inner;
        if !constant_time_eq(key.trim().as_bytes(), inner.key.as_bytes()) {
            return Err(Error::webhook("X-Pusher-Key is not this app's key"));
        }
        if !inner.secret.verify_hex(body, signature.trim()) {
            return Err(Error::webhook("X-Pusher-Signature does not match the body"));
        }
        let mut webhook: Webhook = serde_json::from_slice(body)
            .map_err(|e| Error::webhook(format!("the body is not a Channels webhook: {e}")))?;
        if let Some(max_age) = inner.webhook_max_age {
            let now = inner.clock.unix_millis();
            let sent = u128::from(webhook.time_ms);
            if now.abs_diff(sent) > max_age.as_millis() {
                return Err(Error::webhook(format!(
                    "the webhook's time_ms is {} s from now; at most {} s are accepted",
                    now.abs_diff(sent) / 1000,
                    max_age.as_secs()
                )));
            }
        }
        if let Some(key) = &inner.master_key {
            for event in &mut webhook.events {
                if let WebhookEvent::ClientEvent { channel, data, .. } = event
                    && validate::is_encrypted_channel(channel)
                {
                    let plain = key
                        .decrypt(channel, data)
                        .map_err(|e| Error::webhook(format!("client event on {channel}: {e}")))?;
                    *data = String::from_utf8(plain).map_err(|_| {
                        Error::webhook(format!("client event on {channel}: data is not UTF-8"))
                    })?;
                }
            }
        }
        Ok(webhook)
    }

    /// [`validate_webhook`](Self::validate_webhook) that also checks the `Content-Type`
    /// header is JSON (`application/json`, parameters such as `charset` allowed).
    ///
    /// # Errors
    /// As [`validate_webhook`](Self::validate_webhook), and for another content type.
    pub fn validate_webhook_with_content_type(
        &self,
        content_type: &str,
        key: &str,
        signature: &str,
        body: &[u8],
    ) -> Result<Webhook> {
        if !is_json_content_type(content_type) {
            return Err(Error::webhook(format!(
                "Content-Type {content_type:?} is not application/json"
            )));
        }
        self.validate_webhook(key, signature, body)
    }

    // ----- plumbing -----------------------------------------------------------------------

    /// The signed query string for a request (Pusher's `createSignedQueryString`), for an
    /// endpoint this crate has no method for. `params` are the request's own parameters;
    /// `body` the exact bytes that will be sent (empty for none).
    ///
    /// ```
    /// use channels::Method;
    ///
    /// let client = channels::Client::builder("3", "278d425bdf160c739803", "7ad3773142a6692b25b8")
    ///     .clock(push_core::Clock::fixed(1353088179))
    ///     .build()?;
    /// let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
    /// let query = client.signed_query(Method::Post, "/apps/3/events", &[], body)?;
    /// assert!(query.ends_with("auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"));
    ///
    /// // The signature's own parameters cannot be given twice.
    /// assert!(client.signed_query(Method::Get, "/apps/3/channels", &[("body_md5", "x")], b"").is_err());
    /// # Ok::<(), channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] as [`signing::signed_query`](crate::signing::signed_query)
    /// describes: a reserved, repeated or malformed parameter name, or a malformed path.
    pub fn signed_query(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, &str)],
        body: &[u8],
    ) -> Result<String> {
        check_request(path, params)?;
        Ok(self.sign(method, path, params, body))
    }

    /// Signs this crate's own request (its parameters are valid by construction).
    fn sign(&self, method: Method, path: &str, params: &[(&str, &str)], body: &[u8]) -> String {
        sign_query(
            &self.inner.key,
            &self.inner.secret,
            method,
            path,
            params,
            body,
            self.inner.clock.unix_seconds(),
        )
    }

    fn master_key(&self) -> Result<&MasterKey> {
        self.inner.master_key.as_ref().ok_or_else(|| {
            Error::config(
                "encrypted channels need an encryption master key (ClientBuilder::encryption_master_key)",
            )
        })
    }

    fn encrypt(&self, channel: &str, data: &str) -> Result<String> {
        let key = self.master_key()?;
        let nonce = self.inner.nonce_source.next()?;
        key.encrypt(channel, data.as_bytes(), nonce)
    }

    /// Signs and sends `request` (a `POST` without a query yet) with `body`.
    async fn post<T: DeserializeOwned>(&self, request: Request, body: Vec<u8>) -> Result<T> {
        let query = self.sign(Method::Post, request.path(), &[], &body);
        let request = request.query(query).json_body(body);
        let response = self.inner.transport.send(request).await?;
        decode(&response)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, params: &[(&str, &str)]) -> Result<T> {
        let query = self.sign(Method::Get, path, params, &[]);
        let request = Request::new(Method::Get, format!("{path}?{query}"));
        let response = self.inner.transport.send(request).await?;
        decode(&response)
    }
}

/// Some Pusher-protocol servers (soketi) answer a refused request with a 2xx status and a body
/// `{"error": "...", "code": 401}`; report it as the error it is rather than a success.
fn error_in_success(body: &[u8]) -> Option<Error> {
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: String,
        code: u16,
    }
    if !body.windows(7).any(|w| w == b"\"error\"") {
        return None;
    }
    let refusal: Refusal = serde_json::from_slice(body).ok()?;
    (400..600).contains(&refusal.code).then(|| {
        ApiError::new(refusal.code, body)
            .with_message(refusal.error)
            .into()
    })
}

/// Decodes a 2xx answer; an empty body counts as `{}` (the documented answer of a trigger),
/// so an answer that needs fields (`occupied`, `channels`, `users`) fails to decode instead of
/// being invented.
fn decode<T: DeserializeOwned>(response: &Response) -> Result<T> {
    let body = response.body();
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if !empty && let Some(err) = error_in_success(body) {
        return Err(err);
    }
    let json: &[u8] = if empty { b"{}" } else { body };
    serde_json::from_slice(json).map_err(|e| {
        let what = if empty {
            "an empty body"
        } else {
            "a body that is not the expected JSON"
        };
        Error::decode(format!(
            "Channels answered {} with {what}: {e}",
            response.status()
        ))
    })
}
