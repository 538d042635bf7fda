//! Configuring a [`Transport`]: base URL, default headers, timeouts, proxy or a caller-built
//! client, retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::response::{ErrorParser, default_error_parser};
use crate::retry::{RetryPolicy, Sleeper};
use crate::secret::Secret;
use crate::transport::{Inner, Transport};
use crate::url::{address, redacted_url, shown_url};

/// The default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for one attempt, from connecting to the end of the response body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The User-Agent sent unless a provider sets its own: this SDK and its version.
pub const USER_AGENT: &str = concat!("push-rs/", env!("CARGO_PKG_VERSION"));

/// An HTTP client built by the caller, to share a connection pool or TLS settings with the
/// rest of an application.
///
/// ```
/// let client = push_core::HttpClient::from(reqwest::Client::new());
/// # let _ = client;
/// ```
#[derive(Clone, Debug)]
pub struct HttpClient(reqwest::Client);

impl From<reqwest::Client> for HttpClient {
    fn from(client: reqwest::Client) -> Self {
        Self(client)
    }
}

/// Configures a [`Transport`].
///
/// ```
/// use std::time::Duration;
/// use push_core::{RetryPolicy, Secret, Transport};
///
/// # fn main() -> push_core::Result<()> {
/// let transport = Transport::builder("https://example.invalid/api")
///     .header("X-Pusher-Library", "example 1.0")
///     .bearer_auth(&Secret::new("token"))
///     .timeout(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::none())
///     .build()?;
/// assert_eq!(transport.base_url(), "https://example.invalid/api");
/// # Ok(()) }
/// ```
pub struct TransportBuilder {
    base_url: String,
    headers: Vec<(String, HeaderValueInput)>,
    user_agent: String,
    connect_timeout: Duration,
    timeout: Duration,
    proxy: Option<Secret>,
    client: Option<HttpClient>,
    retry: RetryPolicy,
    sleeper: Sleeper,
    error_parser: ErrorParser,
}

#[derive(Debug)]
enum HeaderValueInput {
    Plain(String),
    Sensitive(Secret),
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The base URL as given may carry user info or a query: show it without them.
        f.debug_struct("TransportBuilder")
            .field("base_url", &redacted_url(&self.base_url))
            .field("headers", &self.headers)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy)
            .field("client", &self.client)
            .field("retry", &self.retry)
            .field("sleeper", &self.sleeper)
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    /// Adds a header sent with every request (for example `X-Pusher-Library`).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into(), HeaderValueInput::Plain(value.into())));
        self
    }

    /// Adds a header whose value is a secret: marked sensitive, never logged.
    #[must_use]
    pub fn sensitive_header(mut self, name: impl Into<String>, value: Secret) -> Self {
        self.headers
            .push((name.into(), HeaderValueInput::Sensitive(value)));
        self
    }

    /// Sends `Authorization: Bearer {token}` with every request, marked sensitive.
    #[must_use]
    pub fn bearer_auth(self, token: &Secret) -> Self {
        let value = Secret::new(format!("Bearer {}", token.expose()));
        self.sensitive_header("Authorization", value)
    }

    /// Replaces the default User-Agent ([`USER_AGENT`]).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The time allowed to establish a connection (default 10 s). Ignored with a caller-built
    /// client, which keeps its own.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for one attempt, from connecting to the end of the body (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or `socks5://` URL;
    /// credentials in the URL are kept secret). Without it, the standard proxy environment
    /// variables apply. Ignored with a caller-built client.
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(Secret::new(url.into()));
        self
    }

    /// Uses a caller-built HTTP client instead of building one. Its connection pool, TLS,
    /// proxy and connect-timeout settings apply; this transport still sets its headers, the
    /// per-attempt timeout and retries.
    #[must_use]
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.client = Some(client);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How to wait between attempts (default: `tokio::time::sleep`).
    #[must_use]
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// How to read the provider's error bodies (default [`default_error_parser`]).
    #[must_use]
    pub fn error_parser(mut self, parser: ErrorParser) -> Self {
        self.error_parser = parser;
        self
    }

    /// Checks the configuration and builds the transport.
    ///
    /// Fails with [`Error::Config`] for a base URL that is not `http(s)://host...` or that
    /// carries user info, a query or a fragment, a header that is not valid HTTP, or a proxy
    /// URL that cannot be used. The messages show a base URL without its user info and query.
    pub fn build(self) -> Result<Transport> {
        // The messages below show the base URL only as `display_url` renders it: the text as
        // given may carry user info or a query, which no error may repeat.
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|err| Error::config(format!("the base URL is not a URL: {err}")))?;
        let shown = shown_url(&parsed);
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::config(format!(
                "the base URL {shown} must be http:// or https:// with a host"
            )));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::config(format!(
                "the base URL {shown} must not carry credentials (user info); give them to \
                 the client builder"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::config(format!(
                "the base URL {shown} must not have a query or fragment"
            )));
        }

        let mut headers = HeaderMap::new();
        let ua = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::config("the User-Agent is not a valid header value"))?;
        headers.insert(header::USER_AGENT, ua);
        for (name, value) in self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("{name:?} is not a valid header name")))?;
            let header_value = match value {
                HeaderValueInput::Plain(v) => HeaderValue::from_str(&v).map_err(|_| {
                    Error::config(format!("the value of header {name} is not valid"))
                })?,
                HeaderValueInput::Sensitive(secret) => {
                    let mut v = HeaderValue::from_str(secret.expose()).map_err(|_| {
                        Error::config(format!(
                            "the value of header {name} is not valid (it is secret, so not shown)"
                        ))
                    })?;
                    v.set_sensitive(true);
                    v
                }
            };
            headers.insert(header_name, header_value);
        }

        // reqwest adds `Accept: */*` to a request without one, growing its header map to do
        // so; our own client's defaults carry it instead (a lookup, the same bytes). A
        // caller's client keeps its own default headers.
        let accept = (self.client.is_none() && !headers.contains_key(header::ACCEPT))
            .then(|| HeaderValue::from_static("*/*"));
        let client = match self.client {
            Some(HttpClient(client)) => client,
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .pool_idle_timeout(Duration::from_secs(60))
                    .tcp_nodelay(true);
                if let Some(proxy) = &self.proxy {
                    let proxy = reqwest::Proxy::all(proxy.expose())
                        .map_err(|_| Error::config("the proxy URL is not valid"))?;
                    builder = builder.proxy(proxy);
                }
                builder.build().map_err(|err| {
                    Error::config(format!("could not build the HTTP client: {err}"))
                })?
            }
        };

        // A JSON body's headers, ready for the requests that have one (most of them).
        let mut json_headers = headers.clone();
        json_headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        // Last, where reqwest would have put it.
        if let Some(accept) = &accept {
            headers.insert(header::ACCEPT, accept.clone());
            json_headers.insert(header::ACCEPT, accept.clone());
        }
        Ok(Transport {
            inner: Arc::new(Inner {
                client,
                address: address(&parsed),
                base_path: parsed.path().trim_end_matches('/').to_owned(),
                base_url,
                headers,
                json_headers,
                implicit_accept: accept.is_some(),
                timeout: self.timeout,
                retry: self.retry,
                sleeper: self.sleeper,
                error_parser: self.error_parser,
            }),
        })
    }
}

impl Transport {
    /// Starts configuring a transport for `base_url` (scheme, host, optional port and path
    /// prefix; request paths are appended to it).
    pub fn builder(base_url: impl Into<String>) -> TransportBuilder {
        TransportBuilder {
            base_url: base_url.into(),
            headers: Vec::new(),
            user_agent: USER_AGENT.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            proxy: None,
            client: None,
            retry: RetryPolicy::default(),
            sleeper: Sleeper::default(),
            error_parser: default_error_parser,
        }
    }
}
