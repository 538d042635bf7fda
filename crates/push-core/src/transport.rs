//! The HTTP transport: one pooled client, timeouts, default headers and the retry loop.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{ApiError, BoxError, Error, Result};
use crate::retry::{Decision, Outcome, RetryPolicy, Sleeper, classify, jitter_random};
use crate::secret::Secret;

/// The default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for one attempt, from connecting to the end of the response body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read; a larger one fails with [`Error::Decode`].
pub const MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;

/// The User-Agent sent unless a provider sets its own: this SDK and its version.
pub const USER_AGENT: &str = concat!("push-rs/", env!("CARGO_PKG_VERSION"));

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as it appears on the wire (`"GET"`, `"POST"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    fn to_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Head => reqwest::Method::HEAD,
            Self::Post => reqwest::Method::POST,
            Self::Put => reqwest::Method::PUT,
            Self::Patch => reqwest::Method::PATCH,
            Self::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request, ready to send: the body is already serialised to bytes, once.
///
/// ```
/// use push_core::{Method, Request};
///
/// let req = Request::post("/apps/1/events?auth_key=k")
///     .json_body(r#"{"name":"e"}"#)
///     .header("X-Example", "1");
/// assert_eq!(req.method(), Method::Post);
/// assert_eq!(req.path(), "/apps/1/events");
/// assert_eq!(req.body(), Some(&br#"{"name":"e"}"#[..]));
/// ```
#[derive(Clone)]
pub struct Request {
    method: Method,
    target: Target,
    body: Option<Bytes>,
    content_type: Option<&'static str>,
    headers: Vec<(String, String)>,
    idempotent: Option<bool>,
}

/// Where a request goes: a path to parse against the base URL, or a pre-parsed endpoint.
#[derive(Clone)]
enum Target {
    Relative(String),
    Endpoint {
        endpoint: Endpoint,
        query: Option<String>,
    },
}

impl Request {
    /// A request for `path_and_query` (starting with `/`, already percent-encoded), relative
    /// to the transport's base URL.
    pub fn new(method: Method, path_and_query: impl Into<String>) -> Self {
        Self::with_target(method, Target::Relative(path_and_query.into()))
    }

    /// A request to an [`Endpoint`] parsed once by [`Transport::endpoint`], which spares the
    /// per-request URL parsing of [`Request::new`]. Add a query string with
    /// [`Request::query`]. The endpoint's URL is used as it is: send the request through the
    /// transport that made the endpoint.
    ///
    /// ```
    /// use push_core::{Method, Request, Transport};
    ///
    /// # fn main() -> push_core::Result<()> {
    /// let transport = Transport::builder("https://api.example.com").build()?;
    /// let events = transport.endpoint("/apps/1/events")?;
    /// let req = Request::to(Method::Post, &events).query("auth_key=k");
    /// assert_eq!(req.path(), "/apps/1/events");
    /// assert_eq!(req.path_and_query(), "/apps/1/events?auth_key=k");
    /// # Ok(()) }
    /// ```
    pub fn to(method: Method, endpoint: &Endpoint) -> Self {
        Self::with_target(
            method,
            Target::Endpoint {
                endpoint: endpoint.clone(),
                query: None,
            },
        )
    }

    fn with_target(method: Method, target: Target) -> Self {
        Self {
            method,
            target,
            body: None,
            content_type: None,
            headers: Vec::new(),
            idempotent: None,
        }
    }

    /// A `GET` request.
    pub fn get(path_and_query: impl Into<String>) -> Self {
        Self::new(Method::Get, path_and_query)
    }

    /// A `HEAD` request.
    pub fn head(path_and_query: impl Into<String>) -> Self {
        Self::new(Method::Head, path_and_query)
    }

    /// A `POST` request.
    pub fn post(path_and_query: impl Into<String>) -> Self {
        Self::new(Method::Post, path_and_query)
    }

    /// A `PATCH` request.
    pub fn patch(path_and_query: impl Into<String>) -> Self {
        Self::new(Method::Patch, path_and_query)
    }

    /// A `DELETE` request.
    pub fn delete(path_and_query: impl Into<String>) -> Self {
        Self::new(Method::Delete, path_and_query)
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    #[must_use]
    pub fn json_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self.content_type = Some("application/json");
        self
    }

    /// Adds a header sent with this request only.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Overrides whether the request may be repeated safely, which by default follows the
    /// method ([`Method::is_idempotent`]). Mark a `POST` idempotent only when the service
    /// deduplicates it.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Sets the query string (without `?`, already percent-encoded), replacing any query the
    /// path of [`Request::new`] carried.
    #[must_use]
    pub fn query(mut self, query: impl Into<String>) -> Self {
        let query = query.into();
        self.target = match self.target {
            Target::Relative(mut path) => {
                path.truncate(path.find('?').unwrap_or(path.len()));
                path.push('?');
                path.push_str(&query);
                Target::Relative(path)
            }
            Target::Endpoint { endpoint, .. } => Target::Endpoint {
                endpoint,
                query: Some(query),
            },
        };
        self
    }

    /// The path without the query string (safe to log: Channels signs in the query).
    pub fn path(&self) -> &str {
        match &self.target {
            Target::Relative(path_and_query) => path_and_query
                .split_once('?')
                .map_or(path_and_query.as_str(), |(path, _)| path),
            Target::Endpoint { endpoint, .. } => endpoint.path(),
        }
    }

    /// The path with its query string.
    pub fn path_and_query(&self) -> Cow<'_, str> {
        match &self.target {
            Target::Relative(path_and_query) => Cow::Borrowed(path_and_query),
            Target::Endpoint {
                endpoint,
                query: None,
            } => Cow::Borrowed(endpoint.path()),
            Target::Endpoint {
                endpoint,
                query: Some(query),
            } => Cow::Owned(format!("{}?{query}", endpoint.path())),
        }
    }

    /// The body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    fn is_idempotent(&self) -> bool {
        self.idempotent.unwrap_or(self.method.is_idempotent())
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query may hold a signature and headers may hold tokens: print neither.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

/// A path on a transport's host, parsed into a URL once (see [`Transport::endpoint`]).
///
/// Parsing a URL costs more than anything else a request needs before it is written (several
/// thousand instructions for a long path); a provider keeps an `Endpoint` for each path it
/// calls often and sends [`Request::to`] it. Cloning copies the URL text.
#[derive(Clone)]
pub struct Endpoint {
    url: reqwest::Url,
    path: Arc<str>,
}

impl Endpoint {
    /// The path it was made from, relative to the base URL (as given to
    /// [`Transport::endpoint`]).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The URL a request with `query` goes to. A query made only of visible ASCII other than
    /// `#` is set on a copy of the parsed URL, which parses the query alone and gives the URL
    /// that parsing the whole text would give; anything else parses the whole text.
    fn url_with(&self, query: Option<&str>) -> Result<reqwest::Url> {
        let Some(query) = query else {
            return Ok(self.url.clone());
        };
        if query.bytes().all(|b| b.is_ascii_graphic() && b != b'#') {
            let mut url = self.url.clone();
            url.set_query(Some(query));
            return Ok(url);
        }
        parse_url(&format!("{}?{query}", self.url))
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Endpoint").field(&self.path()).finish()
    }
}

/// A parsed URL without its user info, query and fragment (see [`Transport::display_url`]).
fn shown_url(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    }
}

fn parse_url(text: &str) -> Result<reqwest::Url> {
    reqwest::Url::parse(text)
        .map_err(|err| Error::invalid_input("path", format!("not a valid URL path: {err}")))
}

/// Parses `base_url` + `path_and_query` and refuses the URL unless its path is exactly the
/// base path followed by the request's path as given. URL parsing resolves `.` and `..`
/// segments (also written `%2e`), reads `\` as `/` and re-encodes some characters; any of
/// those would send the request somewhere other than where the caller's segments say.
fn parse_exact(base_url: &str, base_path: &str, path_and_query: &str) -> Result<reqwest::Url> {
    let url = parse_url(&format!("{base_url}{path_and_query}"))?;
    let path = path_and_query
        .split_once('?')
        .map_or(path_and_query, |(path, _)| path);
    let exact = url
        .path()
        .strip_prefix(base_path)
        .is_some_and(|rest| rest == path);
    if !exact {
        return Err(Error::invalid_input(
            "path",
            format!(
                "{path:?} would reach the server as {:?}: a path segment is . or .., or holds a \
                 character the URL rewrites",
                url.path()
            ),
        ));
    }
    Ok(url)
}

/// A successful answer: status, headers and the whole body.
#[derive(Clone)]
pub struct Response {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    /// A response built by hand (useful for tests of code that consumes responses).
    ///
    /// ```
    /// let resp = push_core::Response::new(200, &[("X-Total-Count", "3")], "{}");
    /// assert_eq!(resp.header("x-total-count"), Some("3"));
    /// ```
    pub fn new(status: u16, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Self {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                map.append(name, value);
            }
        }
        Self {
            status,
            headers: map,
            body: body.into(),
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The first value of header `name` (case-insensitive), if it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Decodes the body as JSON into `T`, whatever the `Content-Type` says (Beams answers
    /// JSON as `text/plain`).
    ///
    /// ```
    /// # fn main() -> push_core::Result<()> {
    /// let resp = push_core::Response::new(200, &[], r#"{"publishId":"pubid-1"}"#);
    /// let v: serde_json::Value = resp.json()?;
    /// assert_eq!(v["publishId"], "pubid-1");
    /// assert!(push_core::Response::new(200, &[], "nope").json::<serde_json::Value>().is_err());
    /// # Ok(()) }
    /// ```
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|err| Error::Decode {
            reason: format!(
                "expected JSON ({err}); got {} bytes: {}",
                self.body.len(),
                preview(&self.body)
            ),
            source: Some(Box::new(err)),
        })
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A short, printable excerpt of a body for error messages.
fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let mut out: String = text.chars().filter(|c| !c.is_control()).collect();
    if body.len() > 120 {
        out.push('…');
    }
    format!("{out:?}")
}

/// Turns a non-success answer into the provider's [`ApiError`]: each provider knows the shape
/// of its own error bodies.
pub type ErrorParser = fn(status: u16, body: &[u8]) -> ApiError;

/// The default [`ErrorParser`]: the raw body, and its text as the message when it is short
/// UTF-8 text.
pub fn default_error_parser(status: u16, body: &[u8]) -> ApiError {
    let err = ApiError::new(status, body);
    let text = err.body.trim();
    if text.is_empty() {
        err
    } else {
        let message = text.to_owned();
        err.with_message(message)
    }
}

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
            .field("base_url", &Transport::display_url(&self.base_url))
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

        Ok(Transport {
            inner: Arc::new(Inner {
                client,
                base_path: parsed.path().trim_end_matches('/').to_owned(),
                base_url,
                headers,
                timeout: self.timeout,
                retry: self.retry,
                sleeper: self.sleeper,
                error_parser: self.error_parser,
            }),
        })
    }
}

/// Sends requests: one pooled HTTP client, default headers, timeouts and retries.
///
/// Cloning is cheap (an `Arc`): clones share the connection pool. Non-success statuses come
/// back as [`Error::Api`], built by the provider's [`ErrorParser`].
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    base_url: String,
    /// The base URL's path without its trailing `/` (empty for the root).
    base_path: String,
    headers: HeaderMap,
    timeout: Duration,
    retry: RetryPolicy,
    sleeper: Sleeper,
    error_parser: ErrorParser,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
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

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// `url` as it may appear in a message or a `Debug` output: scheme, host, port and path,
    /// without user info, query or fragment. Text that is not a URL with a host is shown as
    /// `[not a URL]`, since there is no telling which part of it is a secret.
    ///
    /// ```
    /// use push_core::Transport;
    ///
    /// assert_eq!(
    ///     Transport::display_url("https://user:pass@host:8443/x?token=abc#f"),
    ///     "https://host:8443/x"
    /// );
    /// assert_eq!(Transport::display_url("user:pass@host"), "[not a URL]");
    /// ```
    pub fn display_url(url: &str) -> String {
        match reqwest::Url::parse(url) {
            Ok(parsed) if parsed.host_str().is_some() => shown_url(&parsed),
            _ => "[not a URL]".to_owned(),
        }
    }

    /// Parses `path` (starting with `/`, already percent-encoded, without a query or fragment)
    /// against the base URL, once, for [`Request::to`].
    ///
    /// ```
    /// use push_core::Transport;
    ///
    /// # fn main() -> push_core::Result<()> {
    /// let transport = Transport::builder("https://api.example.com").build()?;
    /// let events = transport.endpoint("/apps/1/events")?;
    /// assert_eq!(events.path(), "/apps/1/events");
    /// assert!(transport.endpoint("apps/1?x=1").is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a path that does not start with `/`, holds `?` or `#`, or
    /// does not make a URL with the base.
    pub fn endpoint(&self, path: &str) -> Result<Endpoint> {
        if !path.starts_with('/') || path.contains(['?', '#']) {
            return Err(Error::invalid_input(
                "path",
                "an endpoint path starts with / and has no query or fragment",
            ));
        }
        Ok(Endpoint {
            url: parse_exact(&self.inner.base_url, &self.inner.base_path, path)?,
            path: path.into(),
        })
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The provider's error for an answer that is not what the call expected (for example a
    /// 200 where the API documents 201).
    pub fn api_error(&self, response: &Response) -> Error {
        let retry_after = response
            .header("retry-after")
            .and_then(|v| crate::retry::parse_retry_after(v, SystemTime::now()));
        (self.inner.error_parser)(response.status, &response.body)
            .with_retry_after(retry_after)
            .into()
    }

    /// Sends `request`, retrying as the policy and classifier allow, and returns the answer
    /// when its status is 2xx.
    pub async fn send(&self, request: Request) -> Result<Response> {
        let span = tracing::debug_span!(
            "push_request",
            method = %request.method,
            path = %request.path(),
        );
        self.send_inner(request).instrument(span).await
    }

    async fn send_inner(&self, request: Request) -> Result<Response> {
        let inner = &*self.inner;
        let url = match &request.target {
            Target::Relative(path_and_query) => {
                parse_exact(&inner.base_url, &inner.base_path, path_and_query)?
            }
            Target::Endpoint { endpoint, query } => endpoint.url_with(query.as_deref())?,
        };
        // The request's own headers, checked once; the shared defaults are added per attempt
        // (one copy of the default map an attempt, not two).
        let mut extra = Vec::with_capacity(request.headers.len() + 1);
        for (name, value) in &request.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_input("header", format!("{name:?} is not valid")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_input("header", format!("the value of {name} is not valid"))
            })?;
            extra.push((header_name, header_value));
        }
        if let Some(content_type) = request.content_type {
            extra.push((header::CONTENT_TYPE, HeaderValue::from_static(content_type)));
        }
        let idempotent = request.is_idempotent();
        let started = Instant::now();
        let deadline = inner.retry.get_deadline().map(|d| started + d);
        let mut attempt: u32 = 0;

        loop {
            attempt += 1;
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let attempt_timeout = remaining.map_or(inner.timeout, |r| r.min(inner.timeout));
            if attempt_timeout.is_zero() {
                return Err(Error::Timeout {
                    elapsed: started.elapsed(),
                    source: None,
                });
            }
            let attempt_started = Instant::now();
            let (outcome, result) = self
                .attempt(&request, &url, &extra, attempt_timeout, started)
                .await;
            let elapsed_ms = attempt_started.elapsed().as_millis() as u64;
            match &result {
                Ok(resp) => {
                    tracing::debug!(attempt, status = resp.status, elapsed_ms, "answered");
                    return result;
                }
                Err(err) => {
                    tracing::debug!(attempt, status = err.status(), elapsed_ms, error = %err, "attempt failed");
                    // Nothing was sent and another attempt would be refused the same way.
                    if err.is_invalid_input() {
                        return result;
                    }
                }
            }

            let delay = match classify(idempotent, outcome) {
                Decision::Stop => return result,
                Decision::Retry => inner.retry.backoff(attempt, jitter_random()),
                Decision::RetryAfter(after) => inner.retry.retry_after_delay(after),
            };
            if attempt >= inner.retry.get_max_attempts() {
                return result;
            }
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                tracing::debug!(
                    attempt,
                    "no time left before the deadline for another attempt"
                );
                return result;
            }
            tracing::info!(
                attempt,
                delay_ms = delay.as_millis() as u64,
                "retrying after a retryable failure"
            );
            inner.sleeper.sleep(delay).await;
        }
    }

    /// One attempt: what happened (for the classifier) and what to return if we stop here.
    async fn attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        extra: &[(HeaderName, HeaderValue)],
        timeout: Duration,
        started: Instant,
    ) -> (Outcome, Result<Response>) {
        let inner = &*self.inner;
        // The request is assembled in place: the copy of the default headers becomes its
        // header map (a builder would insert them one by one into another map).
        let mut outgoing = reqwest::Request::new(request.method.to_reqwest(), url.clone());
        *outgoing.headers_mut() = inner.headers.clone();
        for (name, value) in extra {
            outgoing.headers_mut().append(name.clone(), value.clone());
        }
        *outgoing.timeout_mut() = Some(timeout);
        if let Some(body) = &request.body {
            *outgoing.body_mut() = Some(body.clone().into());
        }
        let mut response = match inner.client.execute(outgoing).await {
            Ok(response) => response,
            Err(err) => return transport_failure(err, started),
        };
        let status = response.status().as_u16();
        // Taken, not copied: the body is read through the response without its headers.
        let resp_headers = std::mem::take(response.headers_mut());
        let body = match read_body(response).await {
            Ok(body) => body,
            Err(BodyError::Transport(err)) => return transport_failure(err, started),
            Err(BodyError::TooLarge) => {
                return (
                    Outcome::Status {
                        status,
                        retry_after: None,
                    },
                    Err(Error::decode(format!(
                        "the response body is larger than {MAX_RESPONSE_BODY} bytes"
                    ))),
                );
            }
        };
        let response = Response {
            status,
            headers: resp_headers,
            body,
        };
        if (200..300).contains(&status) {
            // A success is never retried: its Retry-After, if any, does not matter.
            let outcome = Outcome::Status {
                status,
                retry_after: None,
            };
            return (outcome, Ok(response));
        }
        let retry_after = response
            .header("retry-after")
            .and_then(|v| crate::retry::parse_retry_after(v, SystemTime::now()));
        let outcome = Outcome::Status {
            status,
            retry_after,
        };
        (outcome, Err(self.api_error(&response)))
    }
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

async fn read_body(mut response: reqwest::Response) -> Result<Bytes, BodyError> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_RESPONSE_BODY as u64)
    {
        return Err(BodyError::TooLarge);
    }
    if response.content_length().is_some() {
        // A declared length within the cap: hyper reads exactly that much, without a copy.
        return response.bytes().await.map_err(BodyError::Transport);
    }
    let mut buf = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if buf.len() + chunk.len() > MAX_RESPONSE_BODY {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// Maps a client failure to the classifier's outcome and our error, without the URL (the
/// query string holds Channels' signature).
///
/// A builder error means the client refused the request before sending anything (for example
/// a URL longer than the 65 534 bytes the `http` crate accepts): that is the caller's input,
/// reported as [`Error::InvalidInput`] for `request`, and the send loop does not retry it.
fn transport_failure(err: reqwest::Error, started: Instant) -> (Outcome, Result<Response>) {
    if err.is_builder() {
        // The causes only: reqwest's own text for a builder error is "builder error".
        let err = err.without_url();
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        let detail = if causes.is_empty() {
            String::new()
        } else {
            format!(": {}", causes.join(": "))
        };
        return (
            Outcome::ConnectFailed,
            Err(Error::invalid_input(
                "request",
                format!("the HTTP client could not build it, so nothing was sent{detail}"),
            )),
        );
    }
    let is_timeout = err.is_timeout();
    let is_connect = err.is_connect();
    let source: BoxError = Box::new(err.without_url());
    let outcome = if is_connect {
        Outcome::ConnectFailed
    } else if is_timeout {
        Outcome::TimedOut
    } else {
        Outcome::Interrupted
    };
    let error = if is_timeout {
        Error::Timeout {
            elapsed: started.elapsed(),
            source: Some(source),
        }
    } else if is_connect {
        Error::Connect { source }
    } else {
        Error::Transport { source }
    };
    (outcome, Err(error))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Setting a query on a parsed endpoint gives the URL that parsing the whole text
        /// gives, for any path and any query (the fast path or the fallback).
        #[test]
        fn endpoint_urls_equal_whole_text_parsing(
            base in prop::sample::select(vec![
                "https://api-mt1.pusher.com",
                "http://127.0.0.1:8080",
                "https://x.example/api/v1",
            ]),
            path in "(/[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,12}){1,4}",
            query in prop_oneof![
                "[!-~]{0,40}",
                any::<String>(),
                "[a-z=&]{0,8}[ \t\n\\\\#]{1,2}[a-z]{0,8}",
            ],
        ) {
            // Built as `Transport::endpoint` builds it (a transport per case would load the
            // system's certificates 512 times).
            let endpoint = Endpoint {
                url: parse_url(&format!("{base}{path}")).unwrap(),
                path: path.as_str().into(),
            };
            let whole = reqwest::Url::parse(&format!("{base}{path}?{query}"));
            match (endpoint.url_with(Some(&query)), whole) {
                (Ok(fast), Ok(whole)) => prop_assert_eq!(fast.as_str(), whole.as_str()),
                (Err(_), Err(_)) => {}
                (fast, whole) => prop_assert!(false, "{fast:?} vs {whole:?}"),
            }
            let plain = reqwest::Url::parse(&format!("{base}{path}")).unwrap();
            let bare = endpoint.url_with(None).unwrap();
            prop_assert_eq!(bare.as_str(), plain.as_str());
        }
    }
}
