//! Client configuration: the builder and `from_env`.

use push_core::{ClientOptions, Error, HmacSha256Key, Result, Secret};

use crate::client::{Client, Inner, parse_error};

/// The production API root.
pub const DEFAULT_BASE_URL: &str = "https://pushpad.xyz/api/v1";
/// Environment variable read by [`ClientBuilder::from_env`] for the access token.
pub const ENV_AUTH_TOKEN: &str = "PUSHPAD_AUTH_TOKEN";
/// Environment variable read by [`ClientBuilder::from_env`] for the default project id.
pub const ENV_PROJECT_ID: &str = "PUSHPAD_PROJECT_ID";

/// Builds a [`Client`]. The setters cannot fail; [`ClientBuilder::build`] checks what they
/// hold.
///
/// ```
/// use std::time::Duration;
/// use push_pushpad::{Client, RetryPolicy};
///
/// let client = Client::builder("my-token")
///     .project_id(123)
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::default().max_attempts(4))
///     .build()?;
/// assert_eq!(client.project_id(), Some(123));
/// # Ok::<(), push_pushpad::Error>(())
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    auth_token: Secret,
    project_id: Option<u64>,
    options: ClientOptions,
}

impl ClientBuilder {
    /// Starts a builder with the access token (Pushpad: Account settings, Access tokens).
    pub fn new(auth_token: impl Into<String>) -> Self {
        Self {
            auth_token: Secret::new(auth_token),
            project_id: None,
            options: ClientOptions::default(),
        }
    }

    /// A builder from `PUSHPAD_AUTH_TOKEN` (required) and `PUSHPAD_PROJECT_ID` (optional).
    ///
    /// # Errors
    /// [`Error::Config`] when the token is not set or the project id is not a whole number.
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

    /// The project used by project-scoped calls unless a call names another one
    /// (`in_project`).
    #[must_use]
    pub fn project_id(mut self, id: u64) -> Self {
        self.project_id = Some(id);
        self
    }

    push_core::client_option_setters!("https://pushpad.xyz/api/v1");

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty or blank auth token, a base URL that is not
    /// `http(s)://host[:port][/prefix]` or that carries user info, a query or a fragment, and
    /// a proxy URL that cannot be used.
    pub fn build(self) -> Result<Client> {
        if self.auth_token.expose().trim().is_empty() {
            return Err(Error::config("the auth token is empty"));
        }
        let transport = self
            .options
            .transport(DEFAULT_BASE_URL)
            .header("Accept", "application/json")
            .bearer_auth(&self.auth_token)
            .user_agent(format!("pushpad-rust/{}", env!("CARGO_PKG_VERSION")))
            .error_parser(parse_error)
            .build()?;
        let notifications = match self.project_id {
            Some(id) => Some(
                transport
                    .endpoint(&crate::notifications::path(id))
                    .map_err(|err| Error::config(format!("the project id {id}: {err}")))?,
            ),
            None => None,
        };
        let key = HmacSha256Key::new(self.auth_token.expose().as_bytes());
        Ok(Client::from_inner(Inner {
            transport,
            project_id: self.project_id,
            notifications,
            key,
        }))
    }
}
