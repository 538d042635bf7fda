//! The settings every provider's client builder takes besides its credentials, and the one
//! definition of the setters that expose them.

use std::fmt;
use std::time::Duration;

use crate::builder::{HttpClient, TransportBuilder};
use crate::clock::Clock;
use crate::retry::{RetryPolicy, Sleeper};
use crate::secret::Secret;
use crate::transport::Transport;
use crate::url::redacted_url;

/// What a provider's `ClientBuilder` holds besides its credentials: where requests go, how
/// long they may take, how they are retried, through which proxy or client, and the clock.
/// Every provider exposes it through the same setters, [`client_option_setters!`](crate::client_option_setters), and
/// checks it in `build()`.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// The API root, scheme included; `None` for the provider's default.
    pub base_url: Option<String>,
    /// The per-attempt timeout; `None` for the transport's default.
    pub timeout: Option<Duration>,
    /// The connect timeout; `None` for the transport's default.
    pub connect_timeout: Option<Duration>,
    /// The retry policy; `None` for [`RetryPolicy::default`].
    pub retry_policy: Option<RetryPolicy>,
    /// A proxy URL (it may carry credentials, hence a secret).
    pub proxy: Option<Secret>,
    /// A caller-built HTTP client.
    pub http_client: Option<HttpClient>,
    /// How to wait between attempts.
    pub sleeper: Option<Sleeper>,
    /// Where "now" comes from; `None` for the system clock.
    pub clock: Option<Clock>,
}

impl ClientOptions {
    /// A transport builder for the base URL set (or `default_base_url`) with every option
    /// applied; the provider adds its headers and error parser, then builds it.
    pub fn transport(&self, default_base_url: &str) -> TransportBuilder {
        let base = self.base_url.as_deref().unwrap_or(default_base_url);
        let mut builder = Transport::builder(base);
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(policy) = &self.retry_policy {
            builder = builder.retry_policy(policy.clone());
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy.expose());
        }
        if let Some(client) = &self.http_client {
            builder = builder.http_client(client.clone());
        }
        if let Some(sleeper) = &self.sleeper {
            builder = builder.sleeper(sleeper.clone());
        }
        builder
    }

    /// The clock set, or the system clock.
    pub fn clock(&self) -> Clock {
        self.clock.clone().unwrap_or_default()
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A base URL as given may carry user info or a query: show it without them.
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url.as_deref().map(redacted_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("proxy", &self.proxy)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "caller-built"),
            )
            .field("sleeper", &self.sleeper)
            .field("clock", &self.clock)
            .finish()
    }
}

/// The builder setters every provider shares, written once: expands, inside a builder's
/// `impl` block, to `base_url`, `timeout`, `connect_timeout`, `retry_policy`, `proxy`,
/// `http_client`, `sleeper` and `clock`, each storing into the builder's
/// `options: ClientOptions` field. All are infallible; `build()` checks what they hold.
///
/// The argument is the provider's default base URL, for the docs.
#[doc(hidden)]
#[macro_export]
macro_rules! client_option_setters {
    ($default_base_url:expr) => {
        #[doc = concat!(
            "The API root requests go to, scheme included (default `",
            $default_base_url,
            "`): a local stand-in, a proxy path, a self-hosted server. Checked in `build()`: ",
            "it must be `http://` or `https://` with a host, and carry no credentials, query or ",
            "fragment."
        )]
        #[must_use]
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.options.base_url = Some(url.into());
            self
        }

        /// The time one attempt may take, from connecting to the end of the answer
        /// (default 30 s).
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// The time allowed to establish a connection (default 10 s; a caller-built client
        /// keeps its own).
        #[must_use]
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.connect_timeout = Some(timeout);
            self
        }

        /// How failed requests are retried (default [`RetryPolicy::default`](::push_core::RetryPolicy::default):
        /// a publish is repeated only when it certainly did not reach the service).
        #[must_use]
        pub fn retry_policy(mut self, policy: ::push_core::RetryPolicy) -> Self {
            self.options.retry_policy = Some(policy);
            self
        }

        /// Sends every request through this proxy (`http://`, `https://` or `socks5://`;
        /// credentials in the URL are kept secret). Without it the standard proxy
        /// environment variables apply. A caller-built client keeps its own.
        #[must_use]
        pub fn proxy(mut self, url: impl Into<String>) -> Self {
            self.options.proxy = Some(::push_core::Secret::new(url.into()));
            self
        }

        /// A caller-built HTTP client, to share its connection pool and TLS settings with the
        /// rest of an application.
        #[must_use]
        pub fn http_client(mut self, client: ::push_core::HttpClient) -> Self {
            self.options.http_client = Some(client);
            self
        }

        /// How to wait between retries (default `tokio::time::sleep`; tests pass one that
        /// returns at once).
        #[must_use]
        pub fn sleeper(mut self, sleeper: ::push_core::Sleeper) -> Self {
            self.options.sleeper = Some(sleeper);
            self
        }

        /// Where the client reads "now" (signatures, tokens, webhook freshness; default the
        /// system clock).
        #[must_use]
        pub fn clock(mut self, clock: ::push_core::Clock) -> Self {
            self.options.clock = Some(clock);
            self
        }
    };
}
