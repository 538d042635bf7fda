//! The client itself: what it holds, how it is made, and how it sends a request and reads
//! Beams' answers. Each API area adds its calls in its own module.

use std::fmt;
use std::sync::Arc;

use push_core::{ApiError, Clock, Endpoint, Error, Request, Response, Result, Secret, Transport};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::ClientBuilder;

/// A Pusher Beams client: publishing, user deletion, tokens and webhook verification.
///
/// Cheap to clone: clones share one connection pool and configuration behind an `Arc`, so
/// build one and hand copies to every task.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// What every clone of a [`Client`] shares.
pub(crate) struct Inner {
    pub(crate) instance_id: String,
    /// `https://{instance_id}.pushnotifications.pusher.com`, the `iss` of every token.
    pub(crate) issuer: String,
    /// The secret key, ready to sign tokens.
    pub(crate) key: jsonwebtoken::EncodingKey,
    pub(crate) webhook_secret: Option<Secret>,
    pub(crate) clock: Clock,
    pub(crate) transport: Transport,
    /// The two publish URLs, parsed once at build.
    pub(crate) publish_interests: Endpoint,
    pub(crate) publish_users: Endpoint,
    pub(crate) chunk_concurrency: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret key, the signing key and the webhook secret are never shown.
        f.debug_struct("Client")
            .field("instance_id", &self.inner.instance_id)
            .field("base_url", &self.base_url())
            .field("webhook_secret_set", &self.inner.webhook_secret.is_some())
            .field("chunk_concurrency", &self.inner.chunk_concurrency)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the instance with its secret key (both from the Beams dashboard) and every
    /// other setting at its default; [`Client::builder`] to change them.
    ///
    /// # Errors
    /// [`Error::Config`] when [`ClientBuilder::build`] refuses the credentials.
    pub fn new(instance_id: impl Into<String>, secret_key: impl Into<String>) -> Result<Self> {
        ClientBuilder::new(instance_id, secret_key).build()
    }

    /// Starts a [`ClientBuilder`] for the instance with its secret key.
    pub fn builder(instance_id: impl Into<String>, secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(instance_id, secret_key)
    }

    /// A client configured from the environment, as [`ClientBuilder::from_env`] reads it.
    ///
    /// # Errors
    /// [`Error::Config`] when a variable is missing or refused.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// The instance id.
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// The API root requests go to (the builder's `base_url`, or the instance's own host).
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    /// Sends `request` through the transport (retries, timeouts, error mapping included).
    pub(crate) async fn send(&self, request: Request) -> Result<Response> {
        self.inner.transport.send(request).await
    }

    /// Reads a success body as `T`, whatever its content type: Beams answers JSON as
    /// `text/plain`. `what` names the answer in the error.
    pub(crate) fn decode<T: DeserializeOwned>(response: &Response, what: &str) -> Result<T> {
        serde_json::from_slice(response.body()).map_err(|e| Error::Decode {
            reason: format!("{what}: {e}"),
            source: Some(Box::new(e)),
        })
    }
}

/// Parses Beams' `{"error": "...", "description": "..."}` error bodies; other bodies keep
/// their text as the message (none when empty).
pub(crate) fn parse_error(status: u16, body: &[u8]) -> ApiError {
    #[derive(Deserialize)]
    struct Body {
        error: Option<String>,
        description: Option<String>,
    }
    let mut err = ApiError::new(status, body);
    match serde_json::from_slice::<Body>(body) {
        Ok(parsed) => {
            if let Some(code) = parsed.error {
                err = err.with_code(code);
            }
            if let Some(message) = parsed.description {
                err = err.with_message(message);
            }
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if !text.is_empty() {
                err = err.with_message(text.to_owned());
            }
        }
    }
    err
}
