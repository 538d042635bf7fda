//! Client configuration: the builder, what `build()` checks, and reading the environment.

use std::sync::Arc;

use push_core::{ClientOptions, Error, Result, Secret};

use crate::client::{Client, Inner, parse_error};
use crate::publish::Audience;

/// Environment variable [`ClientBuilder::from_env`] reads for the instance id.
pub const ENV_INSTANCE_ID: &str = "BEAMS_INSTANCE_ID";
/// Environment variable [`ClientBuilder::from_env`] reads for the secret key.
pub const ENV_SECRET_KEY: &str = "BEAMS_SECRET_KEY";
/// Environment variable [`ClientBuilder::from_env`] reads, when it is set, for the webhook
/// secret.
pub const ENV_WEBHOOK_SECRET: &str = "BEAMS_WEBHOOK_SECRET";

/// Requests in flight at once for the `*_chunked` calls unless
/// [`ClientBuilder::chunk_concurrency`] says otherwise.
const DEFAULT_CHUNK_CONCURRENCY: usize = 4;

/// Builds a [`Client`]. Every setter is infallible; [`ClientBuilder::build`] checks what they
/// were given.
///
/// ```
/// use std::time::Duration;
/// use push_beams::{Client, RetryPolicy};
///
/// let client = Client::builder("your-instance-id", "your-secret-key")
///     .timeout(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::default().max_attempts(4))
///     .webhook_secret("your-webhook-secret")
///     .build()?;
/// assert_eq!(client.base_url(), "https://your-instance-id.pushnotifications.pusher.com");
/// # Ok::<(), push_beams::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    instance_id: String,
    secret_key: Secret,
    webhook_secret: Option<Secret>,
    chunk_concurrency: usize,
    options: ClientOptions,
}

impl ClientBuilder {
    /// Starts a builder with the instance id and secret key from the Beams dashboard
    /// (the same as [`Client::builder`]).
    pub fn new(instance_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            instance_id: instance_id.into(),
            secret_key: Secret::new(secret_key.into()),
            webhook_secret: None,
            chunk_concurrency: DEFAULT_CHUNK_CONCURRENCY,
            options: ClientOptions::default(),
        }
    }

    /// Starts a builder from [`ENV_INSTANCE_ID`] and [`ENV_SECRET_KEY`], and takes the webhook
    /// secret from [`ENV_WEBHOOK_SECRET`] when that is set.
    ///
    /// # Errors
    /// [`Error::Config`] when a required variable is missing or a variable is not Unicode.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// [`ClientBuilder::from_env`] over any source of variables, so it can be tested without
    /// touching the process environment.
    fn from_lookup(lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Self> {
        let read = |name: &str| -> Result<Option<String>> {
            lookup(name)
                .map(|value| {
                    value
                        .into_string()
                        .map_err(|_| Error::config(format!("{name} is not valid Unicode")))
                })
                .transpose()
        };
        let required =
            |name: &str| read(name)?.ok_or_else(|| Error::config(format!("{name} is not set")));
        let mut builder = Self::new(required(ENV_INSTANCE_ID)?, required(ENV_SECRET_KEY)?);
        if let Some(secret) = read(ENV_WEBHOOK_SECRET)? {
            builder = builder.webhook_secret(secret);
        }
        Ok(builder)
    }

    push_core::client_option_setters!("https://{instance_id}.pushnotifications.pusher.com");

    /// Requests in flight at once for the `*_chunked` calls (default 4; 0 counts as 1).
    #[must_use]
    pub fn chunk_concurrency(mut self, n: usize) -> Self {
        self.chunk_concurrency = n.max(1);
        self
    }

    /// The secret Beams signs webhooks with (dashboard: Settings, Webhooks), used by
    /// [`Client::verify_webhook`]. It is kept as a [`Secret`]: never printed.
    #[must_use]
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = Some(Secret::new(secret.into()));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for everything it refuses: an empty instance id or one with other
    /// characters than letters, digits and `-`; an empty secret key or webhook secret; a base
    /// URL that is not `http(s)://host[:port][/prefix]` or carries credentials, a query or a
    /// fragment; a proxy or HTTP client the transport cannot use.
    pub fn build(self) -> Result<Client> {
        if self.instance_id.trim().is_empty() {
            return Err(Error::config("the instance id (instance_id) is empty"));
        }
        if !self
            .instance_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::config(
                "the instance id (instance_id) may hold only letters, digits and '-'",
            ));
        }
        if self.secret_key.is_empty() {
            return Err(Error::config("the secret key (secret_key) is empty"));
        }
        if self.webhook_secret.as_ref().is_some_and(Secret::is_empty) {
            return Err(Error::config(
                "the webhook secret (ClientBuilder::webhook_secret) is empty",
            ));
        }
        let default_base_url = format!("https://{}.pushnotifications.pusher.com", self.instance_id);
        let transport = self
            .options
            .transport(&default_base_url)
            .header(
                "X-Pusher-Library",
                format!(
                    "pusher-push-notifications-rust {}",
                    env!("CARGO_PKG_VERSION")
                ),
            )
            .header("Accept", "application/json")
            .bearer_auth(&self.secret_key)
            .error_parser(parse_error)
            .build()?;
        let publish_interests = transport.endpoint(&Audience::Interests.path(&self.instance_id))?;
        let publish_users = transport.endpoint(&Audience::Users.path(&self.instance_id))?;
        Ok(Client {
            inner: Arc::new(Inner {
                key: jsonwebtoken::EncodingKey::from_secret(self.secret_key.expose().as_bytes()),
                // The token issuer names the instance's own host, whatever base URL is used.
                issuer: default_base_url,
                instance_id: self.instance_id,
                webhook_secret: self.webhook_secret,
                clock: self.options.clock(),
                transport,
                publish_interests,
                publish_users,
                chunk_concurrency: self.chunk_concurrency,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::ffi::OsString;

    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(*v)))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn reason(err: &Error) -> &str {
        match err {
            Error::Config { reason } => reason,
            other => panic!("not a Config error: {other:?}"),
        }
    }

    #[test]
    fn from_env_needs_the_id_and_key_and_takes_the_webhook_secret_when_set() {
        let err = ClientBuilder::from_lookup(lookup(&[(ENV_SECRET_KEY, "k")])).unwrap_err();
        assert_eq!(reason(&err), "BEAMS_INSTANCE_ID is not set");
        let err = ClientBuilder::from_lookup(lookup(&[(ENV_INSTANCE_ID, "i")])).unwrap_err();
        assert_eq!(reason(&err), "BEAMS_SECRET_KEY is not set");

        let builder =
            ClientBuilder::from_lookup(lookup(&[(ENV_INSTANCE_ID, "i"), (ENV_SECRET_KEY, "k")]))
                .unwrap();
        assert_eq!(builder.instance_id, "i");
        assert_eq!(builder.secret_key.expose(), "k");
        assert!(builder.webhook_secret.is_none());

        let builder = ClientBuilder::from_lookup(lookup(&[
            (ENV_INSTANCE_ID, "i"),
            (ENV_SECRET_KEY, "k"),
            (ENV_WEBHOOK_SECRET, "w"),
        ]))
        .unwrap();
        assert_eq!(
            builder.webhook_secret.as_ref().map(Secret::expose),
            Some("w")
        );
    }

    #[cfg(unix)]
    #[test]
    fn from_env_refuses_a_variable_that_is_not_unicode() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![0xff, 0xfe]);
        let err = ClientBuilder::from_lookup(move |name| {
            (name == ENV_INSTANCE_ID)
                .then(|| bad.clone())
                .or_else(|| Some(OsString::from("k")))
        })
        .unwrap_err();
        assert_eq!(reason(&err), "BEAMS_INSTANCE_ID is not valid Unicode");
    }
}
