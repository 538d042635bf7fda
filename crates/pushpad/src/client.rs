//! The client handle, how a call is sent and its answer decoded, and Pushpad's error bodies.

use std::fmt;
use std::sync::Arc;

use push_core::{ApiError, Endpoint, Error, HmacSha256Key, Request, Response, Result, Transport};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::ClientBuilder;
use crate::{Notifications, Projects, Senders, Subscriptions};

/// A Pushpad API client. Cheap to clone: clones share one connection pool.
///
/// ```
/// let client = push_pushpad::Client::new("my-token", 123)?;
/// assert_eq!(client.base_url(), "https://pushpad.xyz/api/v1");
/// let sig = client.signature_for("user-1");
/// assert_eq!(sig.len(), 64);
/// # Ok::<(), push_pushpad::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) project_id: Option<u64>,
    /// The default project's notifications URL, parsed once.
    pub(crate) notifications: Option<Endpoint>,
    pub(crate) key: HmacSha256Key,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("project_id", &self.inner.project_id)
            .field("auth_token", &"[redacted]")
            .finish()
    }
}

impl Client {
    /// A client with the default settings and a default project.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty auth token.
    pub fn new(auth_token: impl Into<String>, project_id: u64) -> Result<Self> {
        Self::builder(auth_token).project_id(project_id).build()
    }

    /// Starts a [`ClientBuilder`] with the access token (Pushpad: Account settings, Access
    /// tokens); set a default project with [`ClientBuilder::project_id`].
    pub fn builder(auth_token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(auth_token)
    }

    /// A client configured from `PUSHPAD_AUTH_TOKEN` and `PUSHPAD_PROJECT_ID`
    /// ([`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The API root requests go to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
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

    /// The parsed notifications URL when `project` is the default project.
    pub(crate) fn default_notifications(&self, project: u64) -> Option<&Endpoint> {
        self.inner
            .notifications
            .as_ref()
            .filter(|_| self.inner.project_id == Some(project))
    }

    /// Sends and requires exactly `expected` as the status.
    pub(crate) async fn send(&self, request: Request, expected: u16) -> Result<Response> {
        let resp = self.inner.transport.send(request).await?;
        if resp.status() != expected {
            return Err(self.inner.transport.api_error(&resp));
        }
        Ok(resp)
    }

    /// Sends and decodes the JSON answer of status `expected`.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
        expected: u16,
    ) -> Result<T> {
        self.send(request, expected).await?.json()
    }

    /// `GET path`, answered `200` with `T`.
    pub(crate) async fn get<T: DeserializeOwned>(&self, path: impl Into<String>) -> Result<T> {
        self.send_json(Request::get(path), 200).await
    }

    /// `POST path` with `body`, answered `201 Created` with `T`.
    pub(crate) async fn post<B, T>(&self, path: impl Into<String>, body: &B) -> Result<T>
    where
        B: Serialize,
        T: DeserializeOwned,
    {
        let request = Request::post(path).json_body(Self::body(body)?);
        self.send_json(request, 201).await
    }

    /// `PATCH path` with `body`, answered `200` with `T`.
    pub(crate) async fn patch<B, T>(&self, path: impl Into<String>, body: &B) -> Result<T>
    where
        B: Serialize,
        T: DeserializeOwned,
    {
        let request = Request::patch(path).json_body(Self::body(body)?);
        self.send_json(request, 200).await
    }

    /// `DELETE path`, answered `expected` (204, or 202 for a project) with no body to read.
    pub(crate) async fn delete(&self, path: impl Into<String>, expected: u16) -> Result<()> {
        self.send(Request::delete(path), expected).await.map(drop)
    }

    /// A request body, serialised once.
    pub(crate) fn body<T: Serialize>(value: &T) -> Result<Vec<u8>> {
        serde_json::to_vec(value).map_err(|e| Error::invalid_input("body", e.to_string()))
    }
}

/// The project a project-scoped call goes to: the one named by `in_project`, or the client's
/// default. What `notifications()` and `subscriptions()` share.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProjectScope<'a> {
    client: &'a Client,
    project_id: Option<u64>,
}

impl<'a> ProjectScope<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self {
            client,
            project_id: None,
        }
    }

    pub(crate) fn with(self, project_id: u64) -> Self {
        Self {
            project_id: Some(project_id),
            ..self
        }
    }

    pub(crate) fn client(&self) -> &'a Client {
        self.client
    }

    /// The project id, or [`Error::InvalidInput`] naming `project_id` when there is none.
    pub(crate) fn project(&self) -> Result<u64> {
        self.project_id
            .or(self.client.inner.project_id)
            .ok_or_else(|| {
                Error::invalid_input(
                    "project_id",
                    "no project id given and no default configured",
                )
            })
    }
}

/// Parses a Pushpad error body: `{"error": ".."}`, `{"errors": {field: [..]}}`,
/// `{"message": ".."}`, or plain text (kept as the message).
///
/// ```
/// let err = push_pushpad::parse_error(422, br#"{"errors":{"body":["can't be blank"]}}"#);
/// assert_eq!(err.message.as_deref(), Some("body can't be blank"));
/// ```
pub fn parse_error(status: u16, body: &[u8]) -> ApiError {
    let err = ApiError::new(status, body);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return push_core::default_error_parser(status, body);
    };
    if let Some(errors) = value.get("errors") {
        let message = match errors {
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(field, v)| match v {
                    serde_json::Value::Array(items) => {
                        let parts: Vec<String> = items.iter().map(value_text).collect();
                        format!("{field} {}", parts.join(", "))
                    }
                    other => format!("{field} {}", value_text(other)),
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => value_text(other),
        };
        return err.with_code("validation_error").with_message(message);
    }
    for key in ["error_description", "error", "message"] {
        if let Some(v) = value.get(key) {
            return err.with_message(value_text(v));
        }
    }
    push_core::default_error_parser(status, body)
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
