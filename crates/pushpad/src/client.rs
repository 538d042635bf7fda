//! The client handle and the request plumbing shared by the API areas.

use std::sync::Arc;

use push_core::{Endpoint, Error, HmacSha256Key, Request, Response, Result, Transport};
use serde::de::DeserializeOwned;

use crate::config::ClientBuilder;
use crate::{Notifications, Projects, Senders, Subscriptions};

/// A Pushpad API client. Cheap to clone: clones share one connection pool.
///
/// ```
/// let client = push_pushpad::Client::new("my-token", 123)?;
/// let sig = client.signature_for("user-1");
/// assert_eq!(sig.len(), 64);
/// # Ok::<(), push_pushpad::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) project_id: Option<u64>,
    /// The default project's notifications URL, parsed once.
    pub(crate) notifications: Option<Endpoint>,
    pub(crate) key: HmacSha256Key,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base_url())
            .field("project_id", &self.inner.project_id)
            .field("auth_token", &"[redacted]")
            .finish()
    }
}

impl Client {
    /// A client with the default settings and a default project.
    pub fn new(auth_token: impl Into<String>, project_id: u64) -> Result<Self> {
        ClientBuilder::new(auth_token)
            .project_id(project_id)
            .build()
    }

    /// Starts a [`ClientBuilder`].
    pub fn builder(auth_token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(auth_token)
    }

    /// A client configured from `PUSHPAD_AUTH_TOKEN` and `PUSHPAD_PROJECT_ID`.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// The default project id, if one was configured.
    pub fn project_id(&self) -> Option<u64> {
        self.inner.project_id
    }

    /// The hex HMAC-SHA256 of `uid` keyed with the auth token, for the JavaScript SDK's
    /// `pushpad('uid', uid, signature)`.
    pub fn signature_for(&self, uid: &str) -> String {
        self.inner.key.sign_hex(uid.as_bytes())
    }

    /// Notifications of a project.
    pub fn notifications(&self) -> Notifications<'_> {
        Notifications::new(self)
    }

    /// Subscriptions of a project.
    pub fn subscriptions(&self) -> Subscriptions<'_> {
        Subscriptions::new(self)
    }

    /// Projects of the account.
    pub fn projects(&self) -> Projects<'_> {
        Projects::new(self)
    }

    /// Senders (VAPID key pairs) of the account.
    pub fn senders(&self) -> Senders<'_> {
        Senders::new(self)
    }

    pub(crate) fn resolve_project(&self, over: Option<u64>) -> Result<u64> {
        over.or(self.inner.project_id).ok_or_else(|| {
            Error::invalid_input(
                "project_id",
                "no project id given and no default configured",
            )
        })
    }

    /// Sends and requires exactly `expected` as the status.
    pub(crate) async fn send(&self, request: Request, expected: u16) -> Result<Response> {
        let resp = self.inner.transport.send(request).await?;
        if resp.status() != expected {
            return Err(self.inner.transport.api_error(&resp));
        }
        Ok(resp)
    }

    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
        expected: u16,
    ) -> Result<T> {
        self.send(request, expected).await?.json()
    }

    pub(crate) fn body<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
        serde_json::to_vec(value).map_err(|e| Error::invalid_input("body", e.to_string()))
    }
}
