//! Client configuration: the builder, `from_env`, and Pushpad's error-body parser.

use std::sync::Arc;
use std::time::Duration;

use push_core::{
    ApiError, Error, HmacSha256Key, HttpClient, Result, RetryPolicy, Secret, Sleeper, Transport,
};

use crate::client::{Client, Inner};

/// The production API root.
pub const DEFAULT_BASE_URL: &str = "https://pushpad.xyz/api/v1";
/// Environment variable read by [`ClientBuilder::from_env`] for the access token.
pub const ENV_AUTH_TOKEN: &str = "PUSHPAD_AUTH_TOKEN";
/// Environment variable read by [`ClientBuilder::from_env`] for the default project id.
pub const ENV_PROJECT_ID: &str = "PUSHPAD_PROJECT_ID";

/// Builds a [`Client`]; everything is checked in [`ClientBuilder::build`].
///
/// ```
/// use std::time::Duration;
/// let client = push_pushpad::ClientBuilder::new("my-token")
///     .project_id(123)
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), push_pushpad::Error>(())
/// ```
pub struct ClientBuilder {
    auth_token: Secret,
    project_id: Option<u64>,
    base_url: String,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry_policy: Option<RetryPolicy>,
    http_client: Option<HttpClient>,
    sleeper: Option<Sleeper>,
    /// A secret: the URL may carry credentials.
    proxy: Option<Secret>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The base URL as given may carry user info or a query: show it without them.
        f.debug_struct("ClientBuilder")
            .field("auth_token", &self.auth_token)
            .field("project_id", &self.project_id)
            .field("base_url", &push_core::redacted_url(&self.base_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("http_client", &self.http_client)
            .field("sleeper", &self.sleeper)
            .field("proxy", &self.proxy)
            .finish()
    }
}

impl ClientBuilder {
    /// Starts a builder with the access token (Pushpad: Account settings, Access tokens).
    pub fn new(auth_token: impl Into<String>) -> Self {
        Self {
            auth_token: Secret::new(auth_token),
            project_id: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: None,
            connect_timeout: None,
            retry_policy: None,
            http_client: None,
            sleeper: None,
            proxy: None,
        }
    }

    /// Reads `PUSHPAD_AUTH_TOKEN` (required) and `PUSHPAD_PROJECT_ID` (optional).
    pub fn from_env() -> Result<Self> {
        let token = std::env::var(ENV_AUTH_TOKEN)
            .map_err(|_| Error::config(format!("{ENV_AUTH_TOKEN} is not set")))?;
        let mut builder = Self::new(token);
        if let Ok(raw) = std::env::var(ENV_PROJECT_ID) {
            let id = raw.trim().parse::<u64>().map_err(|_| {
                Error::config(format!(
                    "{ENV_PROJECT_ID} is not a project id (a whole number)"
                ))
            })?;
            builder = builder.project_id(id);
        }
        Ok(builder)
    }

    /// The project used by project-scoped calls unless a call names another one.
    pub fn project_id(mut self, id: u64) -> Self {
        self.project_id = Some(id);
        self
    }

    /// Overrides the API root (default [`DEFAULT_BASE_URL`]), e.g. for a local stand-in. Its
    /// path prefix is kept in front of every path; user info, a query or a fragment are
    /// refused by [`ClientBuilder::build`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Total time per attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connect timeout per attempt.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Retry policy (default: push-core's; POSTs are only retried when they surely did not run).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Uses a caller-built HTTP client (shared pool, TLS settings).
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Replaces the sleep used between retries (tests).
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Sends every request through this proxy.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(Secret::new(url));
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        if self.auth_token.expose().trim().is_empty() {
            return Err(Error::config("the auth token is empty"));
        }
        let base = self.base_url.trim_end_matches('/').to_owned();
        let mut tb = Transport::builder(base)
            .header("Accept", "application/json")
            .bearer_auth(&self.auth_token)
            .user_agent(format!("pushpad-rust/{}", env!("CARGO_PKG_VERSION")))
            .error_parser(parse_error);
        if let Some(t) = self.timeout {
            tb = tb.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            tb = tb.connect_timeout(t);
        }
        if let Some(p) = self.retry_policy {
            tb = tb.retry_policy(p);
        }
        if let Some(c) = self.http_client {
            tb = tb.http_client(c);
        }
        if let Some(s) = self.sleeper {
            tb = tb.sleeper(s);
        }
        if let Some(p) = self.proxy {
            tb = tb.proxy(p.expose());
        }
        let transport = tb.build()?;
        let key = HmacSha256Key::new(self.auth_token.expose().as_bytes());
        let notifications = self
            .project_id
            .map(|id| transport.endpoint(&crate::notifications::path(id)))
            .transpose()?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                project_id: self.project_id,
                notifications,
                key,
            }),
        })
    }
}

/// Parses a Pushpad error body: `{"error": ".."}`, `{"errors": {field: [..]}}`,
/// `{"message": ".."}`, or plain text (kept as the message).
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
