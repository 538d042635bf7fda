//! A local stand-in for the Pusher Beams server API (feature `sandbox`).
//!
//! [`Sandbox::start`] serves the publish and customer APIs on `127.0.0.1` with an ephemeral
//! port. It checks the bearer secret key and the instance id as the service does, validates
//! publish bodies with the service's statuses and `{"error","description"}` bodies (interests,
//! users, platforms, body size, the web format's `time_to_live` and `data.pusher`), answers
//! `{"publishId":"pubid-…"}` (as `text/plain`, like the real service), and records every
//! publish and user deletion it accepted, in order. [`Sandbox::fail_next`] makes the next
//! requests fail with a [`Fault`], to test how your code handles errors and retries.
//!
//! ```
//! use push_beams::{PublishRequest, Web};
//! use push_beams::sandbox::{Audience, Fault, Sandbox};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> push_beams::Result<()> {
//! let sandbox = Sandbox::start().await?;
//! let client = sandbox.client()?;
//! let request = PublishRequest::new().web(Web::new().title("Hi").body("Hello"));
//! let id = client.publish_to_users(&["user-1"], &request).await?;
//! let published = sandbox.publishes();
//! assert_eq!(published[0].publish_id, id);
//! assert_eq!(published[0].audience, Audience::Users(vec!["user-1".into()]));
//!
//! sandbox.fail_next(1, Fault::status(503));
//! let err = client.publish_to_users(&["user-1"], &request).await.unwrap_err();
//! assert_eq!(err.status(), Some(503));
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use push_core::Result;
use push_core::sandbox::{Recorder, SandboxServer};
use serde_json::Value;

use crate::{Client, ClientBuilder, RetryPolicy};

/// The fault [`Sandbox::fail_next`] injects.
pub use push_core::sandbox::Fault;

mod routes;

use routes::{Instance, handle};

/// The instance id the sandbox serves unless told otherwise.
pub const SANDBOX_INSTANCE_ID: &str = "00000000-0000-4000-8000-000000000000";
/// The secret key the sandbox accepts unless told otherwise.
pub const SANDBOX_SECRET_KEY: &str = "SANDBOX0SECRET0KEY0000000000000000";

/// The most interests per publish.
pub const MAX_INTERESTS: usize = 100;
/// The most users per publish.
pub const MAX_USERS: usize = 1000;
/// The longest interest name or user id, in characters.
pub const MAX_ID_LEN: usize = 164;
/// The largest interests publish body, in bytes.
pub const MAX_INTERESTS_BODY: usize = 10 * 1024;
/// The largest users publish body, in bytes.
pub const MAX_USERS_BODY: usize = 200 * 1024;
/// The longest `web.time_to_live`, in seconds.
pub const MAX_WEB_TTL: u64 = 2_419_200;

/// Who a recorded publish was addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Audience {
    /// A publish to interests.
    Interests(Vec<String>),
    /// A publish to users.
    Users(Vec<String>),
}

/// A publish the sandbox accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedPublish {
    /// The publish id it answered with.
    pub publish_id: String,
    /// The interests or users addressed.
    pub audience: Audience,
    /// The whole JSON body received.
    pub body: Value,
}

/// A running Beams sandbox. Stops when the last clone is dropped.
#[derive(Clone)]
pub struct Sandbox {
    server: SandboxServer,
    instance_id: String,
    secret_key: String,
    publishes: Recorder<RecordedPublish>,
    deleted_users: Recorder<String>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.server.url())
            .field("instance_id", &self.instance_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox for [`SANDBOX_INSTANCE_ID`] accepting [`SANDBOX_SECRET_KEY`].
    pub async fn start() -> Result<Self> {
        Self::start_with(SANDBOX_INSTANCE_ID, SANDBOX_SECRET_KEY).await
    }

    /// Starts a sandbox for the given instance id and secret key.
    pub async fn start_with(instance_id: &str, secret_key: &str) -> Result<Self> {
        let publishes = Recorder::default();
        let deleted_users = Recorder::default();
        let instance = Arc::new(Instance {
            id: instance_id.to_owned(),
            bearer: format!("Bearer {secret_key}"),
            next_id: AtomicU64::new(1),
        });
        let (p, d) = (publishes.clone(), deleted_users.clone());
        let server = SandboxServer::start(move |req| handle(&instance, &p, &d, &req)).await?;
        Ok(Self {
            server,
            instance_id: instance_id.to_owned(),
            secret_key: secret_key.to_owned(),
            publishes,
            deleted_users,
        })
    }

    /// `http://127.0.0.1:{port}`: exactly what [`ClientBuilder::base_url`] takes.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// A builder for a client of this sandbox, to adjust before building: its instance id and
    /// secret key, [`ClientBuilder::base_url`] set to [`Sandbox::url`], and
    /// [`RetryPolicy::none`] so that an injected fault reaches the caller at once (set a policy
    /// to test retries).
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.instance_id.clone(), self.secret_key.clone())
            .base_url(self.url())
            .retry_policy(RetryPolicy::none())
    }

    /// A client of this sandbox: [`Sandbox::client_builder`], built.
    pub fn client(&self) -> Result<Client> {
        self.client_builder().build()
    }

    /// The instance id it serves.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// The secret key it accepts.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Every publish accepted so far, in order.
    pub fn publishes(&self) -> Vec<RecordedPublish> {
        self.publishes.all()
    }

    /// Removes and returns every publish accepted so far.
    pub fn take_publishes(&self) -> Vec<RecordedPublish> {
        self.publishes.take()
    }

    /// The user ids deleted so far, in order.
    pub fn deleted_users(&self) -> Vec<String> {
        self.deleted_users.all()
    }

    /// Answers each of the next `count` requests with `fault` (e.g. 429 with `Retry-After`).
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.server.fail_next(count, fault);
    }

    /// How many requests reached the sandbox, refused and faulted ones included.
    pub fn requests_seen(&self) -> usize {
        self.server.requests_seen()
    }
}
