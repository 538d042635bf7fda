//! A local stand-in for the Pushpad REST API (feature `sandbox`).
//!
//! [`Sandbox::start`] serves `/api/v1` on `127.0.0.1` with an ephemeral port: notifications,
//! subscriptions, projects and senders, with the documented statuses (201 on create, 204 on
//! cancel and most deletes, 202 on project delete), pages and `X-Total-Count`. It checks the
//! bearer token, validates what the service validates (422 with `{"errors":{field:[..]}}`),
//! evaluates tag expressions (`!`, `&&`, `||`, parentheses) against the subscriptions it holds to
//! answer `scheduled` and `uids`, and records every notification it accepted, in order.
//!
//! ```
//! use push_pushpad::NewNotification;
//! use push_pushpad::sandbox::{SANDBOX_PROJECT_ID, Sandbox};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> push_pushpad::Result<()> {
//! let sandbox = Sandbox::start().await?;
//! sandbox.seed_subscription(SANDBOX_PROJECT_ID, Some("user-1"), &["sports"]);
//! let client = sandbox.client()?;
//! assert_eq!(client.base_url(), sandbox.url());
//! let result = client
//!     .notifications()
//!     .create(&NewNotification::new("Hello").uids(["user-1", "user-2"]))
//!     .await?;
//! assert_eq!(result.scheduled, Some(1));
//! assert_eq!(sandbox.notifications()[0].request["body"], "Hello");
//! # Ok(()) }
//! ```

mod notifications;
mod routes;
mod store;
mod tags;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use push_core::sandbox::{Recorder, SandboxResponse, SandboxServer};
use push_core::{Result, RetryPolicy, constant_time_eq};
use serde_json::{Value, json};

pub use push_core::sandbox::Fault;

use crate::{Client, ClientBuilder};
use store::Store;

/// The auth token the sandbox accepts unless told otherwise.
pub const SANDBOX_TOKEN: &str = "sandbox-token";
/// The id of the project the sandbox starts with.
pub const SANDBOX_PROJECT_ID: u64 = 1;
/// The id of the sender the sandbox starts with.
pub const SANDBOX_SENDER_ID: u64 = 1;

/// Notifications per page of `GET /projects/{id}/notifications`.
pub const NOTIFICATIONS_PER_PAGE: usize = 20;
/// Subscriptions per page when `per_page` is not given.
pub const DEFAULT_SUBSCRIPTIONS_PER_PAGE: usize = 30;
/// How far ahead `send_at` may be.
pub const MAX_SCHEDULE_AHEAD: Duration = Duration::from_secs(5 * 24 * 3600);

/// A notification the sandbox accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedNotification {
    /// The id it answered with.
    pub id: u64,
    /// The project it was created in.
    pub project_id: u64,
    /// The JSON body received.
    pub request: Value,
    /// How many subscriptions it reached (0 when scheduled).
    pub scheduled: u64,
}

/// A running Pushpad sandbox. Stops when the last clone is dropped.
#[derive(Clone)]
pub struct Sandbox {
    server: SandboxServer,
    token: String,
    store: Arc<Mutex<Store>>,
    notifications: Recorder<RecordedNotification>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox accepting [`SANDBOX_TOKEN`], holding sender [`SANDBOX_SENDER_ID`] and
    /// project [`SANDBOX_PROJECT_ID`].
    pub async fn start() -> Result<Self> {
        Self::start_with(SANDBOX_TOKEN).await
    }

    /// Starts a sandbox accepting `token` (as a bearer token, or in the legacy
    /// `Token token="..."` form).
    pub async fn start_with(token: &str) -> Result<Self> {
        let store = Arc::new(Mutex::new(Store::seeded()));
        let notifications = Recorder::default();
        let bearer = format!("Bearer {token}");
        let legacy = format!("Token token=\"{token}\"");
        let (s, n) = (store.clone(), notifications.clone());
        let server = SandboxServer::start(move |req| {
            let authorized = req.header("authorization").is_some_and(|given| {
                constant_time_eq(given.as_bytes(), bearer.as_bytes())
                    || constant_time_eq(given.as_bytes(), legacy.as_bytes())
            });
            if !authorized {
                return SandboxResponse::json(401, &json!({"error": "Unauthorized"}));
            }
            let mut store = s.lock().unwrap_or_else(PoisonError::into_inner);
            routes::route(&mut store, &n, &req)
        })
        .await?;
        Ok(Self {
            server,
            token: token.to_owned(),
            store,
            notifications,
        })
    }

    /// `http://127.0.0.1:{port}/api/v1`: what [`ClientBuilder::base_url`] takes.
    pub fn url(&self) -> String {
        format!("{}/api/v1", self.server.url())
    }

    /// The token it accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A builder for a client of this sandbox, to adjust before building: its token, project
    /// [`SANDBOX_PROJECT_ID`], [`url`](Self::url) as the base URL, and no retries (so a
    /// [`fail_next`](Self::fail_next) fault reaches the caller; set a policy to test retries).
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.token.clone())
            .project_id(SANDBOX_PROJECT_ID)
            .base_url(self.url())
            .retry_policy(RetryPolicy::none())
    }

    /// A client of this sandbox ([`client_builder`](Self::client_builder), built).
    pub fn client(&self) -> Result<Client> {
        self.client_builder().build()
    }

    /// Every notification accepted so far, in order.
    pub fn notifications(&self) -> Vec<RecordedNotification> {
        self.notifications.all()
    }

    /// Adds a subscription to `project_id` (as if a browser had subscribed) and returns its id.
    pub fn seed_subscription(&self, project_id: u64, uid: Option<&str>, tags: &[&str]) -> u64 {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        store.seed_subscription(project_id, uid, tags)
    }

    /// Answers each of the next `count` requests with `fault` (e.g. 503 with `Retry-After`).
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.server.fail_next(count, fault);
    }

    /// How many requests reached the sandbox, refused and faulted ones included.
    pub fn requests_seen(&self) -> usize {
        self.server.requests_seen()
    }
}
