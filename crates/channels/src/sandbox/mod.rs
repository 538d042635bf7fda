//! A local stand-in for the Pusher Channels HTTP API (feature `sandbox`).
//!
//! [`Sandbox::start`] serves the Channels HTTP API on `127.0.0.1` with an ephemeral port. It
//! checks each request as the service does — the app id, `auth_key`, the HMAC-SHA256 signature
//! recomputed from the raw query and body, `auth_timestamp` within ±600 s and `body_md5` when a
//! body is present — enforces the documented limits with the service's statuses and text error
//! bodies, answers with the documented success bodies (from occupancy you may seed), and records
//! every event it accepted, in order.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

pub use push_core::sandbox::Fault;
use push_core::sandbox::{Recorder, SandboxServer};
use push_core::{HmacSha256Key, Result};

mod routes;

/// The app id the sandbox serves unless told otherwise.
pub const SANDBOX_APP_ID: &str = "123456";
/// The app key the sandbox serves unless told otherwise.
pub const SANDBOX_KEY: &str = "sandbox-key";
/// The app secret the sandbox serves unless told otherwise.
pub const SANDBOX_SECRET: &str = "sandbox-secret";

/// How far `auth_timestamp` may be from the sandbox's clock, in seconds.
pub const TIMESTAMP_WINDOW_SECS: i64 = 600;

/// An event the sandbox accepted: one per trigger or per batch entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedEvent {
    /// The event name.
    pub name: String,
    /// The channels it was sent to.
    pub channels: Vec<String>,
    /// The `data` string exactly as received (for encrypted channels, the encrypted envelope).
    pub data: String,
    /// The connection excluded from delivery, if any.
    pub socket_id: Option<String>,
}

/// The occupancy of one channel, as the sandbox reports it in `info` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelState {
    /// How many connections are subscribed.
    pub subscription_count: u64,
    /// The user ids present (presence channels).
    pub user_ids: Vec<String>,
}

impl ChannelState {
    /// A channel with `count` subscribers.
    pub fn subscribers(count: u64) -> Self {
        Self {
            subscription_count: count,
            user_ids: Vec::new(),
        }
    }

    /// A presence channel with these users, one connection each.
    pub fn presence<I, S>(user_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let user_ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        Self {
            subscription_count: user_ids.len() as u64,
            user_ids,
        }
    }
}

/// The limits the sandbox enforces (the multi-tenant clusters' defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The most UTF-8 bytes of `data` per event (413 above).
    pub max_data_bytes: usize,
    /// The most channels per trigger.
    pub max_channels: usize,
    /// The most events per batch.
    pub max_batch: usize,
    /// The longest event name, in bytes.
    pub max_event_name: usize,
    /// The longest channel name, in characters (`#server-to-user-` channels aside).
    pub max_channel_name: usize,
}

impl Default for Limits {
    /// The documented limits: 10 KiB of data, 100 channels a trigger, 10 events a batch,
    /// 255-byte event names, 164-character channel names.
    fn default() -> Self {
        Self {
            max_data_bytes: 10_240,
            max_channels: 100,
            max_batch: 10,
            max_event_name: crate::validate::MAX_EVENT_NAME_LEN,
            max_channel_name: crate::validate::MAX_CHANNEL_NAME_LEN,
        }
    }
}

/// The app the sandbox serves.
struct App {
    id: String,
    key: String,
    hmac: HmacSha256Key,
}

/// What the sandbox knows besides what it recorded: occupancy, limits, its clock.
struct State {
    channels: BTreeMap<String, ChannelState>,
    limits: Limits,
    clock_offset_secs: i64,
}

/// A running Channels sandbox. Stops when the last clone is dropped.
#[derive(Clone)]
pub struct Sandbox {
    server: SandboxServer,
    app_id: String,
    key: String,
    secret: String,
    state: Arc<Mutex<State>>,
    events: Recorder<RecordedEvent>,
    terminations: Recorder<String>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.server.url())
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox for app [`SANDBOX_APP_ID`] with key [`SANDBOX_KEY`] and secret
    /// [`SANDBOX_SECRET`].
    pub async fn start() -> Result<Self> {
        Self::start_with(SANDBOX_APP_ID, SANDBOX_KEY, SANDBOX_SECRET).await
    }

    /// Starts a sandbox for the given app credentials.
    pub async fn start_with(app_id: &str, key: &str, secret: &str) -> Result<Self> {
        let state = Arc::new(Mutex::new(State {
            channels: BTreeMap::new(),
            limits: Limits::default(),
            clock_offset_secs: 0,
        }));
        let events = Recorder::default();
        let terminations = Recorder::default();
        let app = App {
            id: app_id.to_owned(),
            key: key.to_owned(),
            hmac: HmacSha256Key::new(secret.as_bytes()),
        };
        let handler_state = state.clone();
        let handler_events = events.clone();
        let handler_terms = terminations.clone();
        let server = SandboxServer::start(move |req| {
            routes::handle(&app, &handler_state, &handler_events, &handler_terms, &req)
        })
        .await?;
        Ok(Self {
            server,
            app_id: app_id.to_owned(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            state,
            events,
            terminations,
        })
    }

    /// `http://127.0.0.1:{port}`: the base URL [`ClientBuilder::base_url`](crate::ClientBuilder::base_url)
    /// takes.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// A client builder pointed at this sandbox with its credentials and no retries, to
    /// adjust before building (a master key, a clock, a data limit).
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder(&self.app_id, &self.key, &self.secret)
            .base_url(self.url())
            .retry_policy(push_core::RetryPolicy::none())
    }

    /// A client for this sandbox.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> push_channels::Result<()> {
    /// use push_channels::sandbox::Sandbox;
    ///
    /// let sandbox = Sandbox::start().await?;
    /// let client = sandbox.client()?;
    /// client.trigger("my-channel", "my-event", "hello").await?;
    /// assert_eq!(sandbox.events()[0].data, "hello");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Only if the client cannot be built (it can, for the sandbox's own settings).
    pub fn client(&self) -> Result<crate::Client> {
        self.client_builder().build()
    }

    /// The port the sandbox listens on.
    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// The app id it serves.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The app key it accepts.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The app secret it verifies signatures with.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Every event accepted so far, in order.
    pub fn events(&self) -> Vec<RecordedEvent> {
        self.events.all()
    }

    /// Removes and returns every event accepted so far.
    pub fn take_events(&self) -> Vec<RecordedEvent> {
        self.events.take()
    }

    /// The user ids whose connections were terminated, in order.
    pub fn terminated_users(&self) -> Vec<String> {
        self.terminations.all()
    }

    /// Sets the occupancy of `channel` reported by the channel queries and `info` answers.
    pub fn seed_channel(&self, channel: impl Into<String>, state: ChannelState) {
        self.lock().channels.insert(channel.into(), state);
    }

    /// Forgets the occupancy of `channel`.
    pub fn vacate_channel(&self, channel: &str) {
        self.lock().channels.remove(channel);
    }

    /// Replaces the limits enforced.
    pub fn set_limits(&self, limits: Limits) {
        self.lock().limits = limits;
    }

    /// Moves the sandbox's clock by `secs` (to test the timestamp window).
    pub fn set_clock_offset(&self, secs: i64) {
        self.lock().clock_offset_secs = secs;
    }

    /// Answers each of the next `count` requests with `fault` (e.g. 503 with `Retry-After`).
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.server.fail_next(count, fault);
    }

    /// How many requests reached the sandbox, refused and faulted ones included.
    pub fn requests_seen(&self) -> usize {
        self.server.requests_seen()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
