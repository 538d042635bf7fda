//! Client configuration: the builder, `from_url` and `from_env`.

use std::fmt;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use push_core::{ClientOptions, Error, Result, Secret};

use crate::client::Client;
use crate::encryption::{MasterKey, NonceSource};
use crate::validate::DEFAULT_MAX_DATA_BYTES;

/// Requests in flight at once for the `*_chunked` calls unless
/// [`ClientBuilder::chunk_concurrency`] says otherwise (as in Beams).
pub const DEFAULT_CHUNK_CONCURRENCY: usize = 4;

/// The cluster used when none is configured.
pub const DEFAULT_CLUSTER: &str = "mt1";

/// Builds a [`Client`]; every setter is infallible and everything is checked in
/// [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
///
/// let client = push_channels::Client::builder("123456", "app-key", "app-secret")
///     .cluster("eu")
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.base_url(), "https://api-eu.pusher.com");
/// # Ok::<(), push_channels::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) app_id: String,
    pub(crate) key: String,
    pub(crate) secret: Secret,
    cluster: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    scheme: Option<String>,
    pub(crate) options: ClientOptions,
    master_key: Option<MasterKey>,
    master_key_error: Option<String>,
    pub(crate) max_data_bytes: Option<usize>,
    pub(crate) nonce_source: NonceSource,
    pub(crate) webhook_max_age: Option<Duration>,
    pub(crate) chunk_concurrency: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("app_id", &self.app_id)
            .field("key", &self.key)
            .field("secret", &self.secret)
            .field("cluster", &self.cluster)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("scheme", &self.scheme)
            .field("options", &self.options)
            .field("master_key", &self.master_key)
            .field("max_data_bytes", &self.max_data_bytes)
            .field("chunk_concurrency", &self.chunk_concurrency)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Starts a builder with the app's id, key and secret from the Channels dashboard.
    pub fn new(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        Self {
            app_id: app_id.into(),
            key: key.into(),
            secret: Secret::new(secret.into()),
            cluster: None,
            host: None,
            port: None,
            scheme: None,
            options: ClientOptions::default(),
            master_key: None,
            master_key_error: None,
            max_data_bytes: Some(DEFAULT_MAX_DATA_BYTES),
            nonce_source: NonceSource::random(),
            webhook_max_age: None,
            chunk_concurrency: DEFAULT_CHUNK_CONCURRENCY,
        }
    }

    /// A builder from a URL of the form `https://key:secret@host[:port]/apps/{app_id}`
    /// (as the dashboard shows and `PUSHER_URL` holds). `http` is accepted for local servers.
    ///
    /// ```
    /// let builder = push_channels::ClientBuilder::from_url("https://k:s@localhost:6001/apps/42")?;
    /// let client = builder.build()?;
    /// assert_eq!(client.base_url(), "https://localhost:6001");
    /// assert_eq!(client.app_id(), "42");
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] naming what is wrong with the URL.
    pub fn from_url(url: &str) -> Result<Self> {
        let parsed = ParsedUrl::parse(url)?;
        let mut builder = Self::new(parsed.app_id, parsed.key, parsed.secret)
            .scheme(parsed.scheme)
            .host(parsed.host);
        if let Some(port) = parsed.port {
            builder = builder.port(port);
        }
        Ok(builder)
    }

    /// A builder from the environment: `PUSHER_URL`, or else `PUSHER_APP_ID`, `PUSHER_KEY`,
    /// `PUSHER_SECRET` and optionally `PUSHER_CLUSTER`; plus
    /// `PUSHER_ENCRYPTION_MASTER_KEY_BASE64` when set.
    ///
    /// # Errors
    /// [`Error::Config`] naming the missing or malformed variable.
    pub fn from_env() -> Result<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) reading from any lookup function (tests, config files).
    ///
    /// ```
    /// let vars = [("PUSHER_APP_ID", "1"), ("PUSHER_KEY", "k"), ("PUSHER_SECRET", "s"), ("PUSHER_CLUSTER", "ap1")];
    /// let lookup = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
    /// let client = push_channels::ClientBuilder::from_vars(lookup)?.build()?;
    /// assert_eq!(client.base_url(), "https://api-ap1.pusher.com");
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut builder = if let Some(url) = get("PUSHER_URL") {
            Self::from_url(&url).map_err(|e| Error::config(format!("PUSHER_URL: {e}")))?
        } else {
            let need = |name: &str| {
                get(name).ok_or_else(|| {
                    Error::config(format!(
                        "{name} is not set (set PUSHER_URL, or PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET)"
                    ))
                })
            };
            let mut builder = Self::new(
                need("PUSHER_APP_ID")?,
                need("PUSHER_KEY")?,
                need("PUSHER_SECRET")?,
            );
            if let Some(cluster) = get("PUSHER_CLUSTER") {
                builder = builder.cluster(cluster);
            }
            builder
        };
        if let Some(key) = get("PUSHER_ENCRYPTION_MASTER_KEY_BASE64") {
            builder = builder.encryption_master_key_base64(&key);
        }
        Ok(builder)
    }

    push_core::client_option_setters!("https://api-mt1.pusher.com");

    /// The cluster the app lives in (`eu`, `ap1`, ...): the host becomes
    /// `api-{cluster}.pusher.com`. Default `mt1`.
    #[must_use]
    pub fn cluster(mut self, cluster: impl Into<String>) -> Self {
        self.cluster = Some(cluster.into());
        self
    }

    /// An explicit host, for self-hosted Pusher-protocol servers; overrides the cluster.
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// An explicit port (default: the scheme's).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// `https` (the default) or `http` (local servers only: the signature does not hide the
    /// event data).
    #[must_use]
    pub fn scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = Some(scheme.into());
        self
    }

    /// The encryption master key for `private-encrypted-*` channels.
    #[must_use]
    pub fn encryption_master_key(mut self, key: MasterKey) -> Self {
        self.master_key = Some(key);
        self.master_key_error = None;
        self
    }

    /// The encryption master key as base64 text of 32 bytes; checked in `build`.
    #[must_use]
    pub fn encryption_master_key_base64(mut self, key: &str) -> Self {
        match MasterKey::from_base64(key) {
            Ok(key) => {
                self.master_key = Some(key);
                self.master_key_error = None;
            }
            Err(_) => {
                self.master_key = None;
                self.master_key_error = Some("must be the base64 text of 32 bytes".to_owned());
            }
        }
        self
    }

    /// The largest `data` an event may carry, in UTF-8 bytes after encryption (default
    /// 10 240; dedicated clusters may allow more).
    #[must_use]
    pub fn max_data_bytes(mut self, limit: usize) -> Self {
        self.max_data_bytes = Some(limit);
        self
    }

    /// Sends data of any size and lets the service judge it.
    #[must_use]
    pub fn no_data_limit(mut self) -> Self {
        self.max_data_bytes = None;
        self
    }

    /// Where encryption nonces come from (default: the OS random source). Fix it only in
    /// tests.
    #[must_use]
    pub fn nonce_source(mut self, source: NonceSource) -> Self {
        self.nonce_source = source;
        self
    }

    /// Rejects webhooks whose `time_ms` is further than `max_age` from now (off by default;
    /// five minutes is a sound choice).
    #[must_use]
    pub fn webhook_max_age(mut self, max_age: Duration) -> Self {
        self.webhook_max_age = Some(max_age);
        self
    }

    /// Requests in flight at once for the `*_chunked` calls (default 4, minimum 1).
    #[must_use]
    pub fn chunk_concurrency(mut self, requests: usize) -> Self {
        self.chunk_concurrency = requests.max(1);
        self
    }

    /// Checks the configuration and builds the client. A [`base_url`](Self::base_url), when
    /// set, overrides the cluster, host, port and scheme.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty or malformed app id, key or secret, a malformed master
    /// key, a bad scheme, host, cluster or base URL.
    pub fn build(self) -> Result<Client> {
        if self.app_id.is_empty()
            || !self
                .app_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::config(
                "the app id must be non-empty letters, digits, '-' or '_'",
            ));
        }
        if self.key.is_empty() || self.key.contains([':', '&', '=', '#', '?', ' ', '/']) {
            return Err(Error::config(
                "the app key must be non-empty and free of ':', '&', '=', '#', '?', '/' and spaces",
            ));
        }
        if self.secret.is_empty() {
            return Err(Error::config("the app secret must not be empty"));
        }
        if let Some(reason) = &self.master_key_error {
            return Err(Error::config(format!("the encryption master key {reason}")));
        }
        let base_url = match &self.options.base_url {
            Some(url) => origin(url)?,
            None => self.origin_from_parts()?,
        };
        let master_key = self.master_key.clone();
        Client::from_parts(self, &base_url, master_key)
    }

    /// `scheme://host[:port]` from the cluster, host, port and scheme.
    fn origin_from_parts(&self) -> Result<String> {
        let scheme = self.scheme.as_deref().unwrap_or("https");
        if scheme != "https" && scheme != "http" {
            return Err(Error::config(format!(
                "scheme {scheme:?} is not http or https"
            )));
        }
        let host = match (&self.host, &self.cluster) {
            (Some(host), _) => host.clone(),
            (None, Some(cluster)) => {
                if cluster.is_empty()
                    || !cluster
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                {
                    return Err(Error::config(format!(
                        "cluster {cluster:?} is not a cluster name"
                    )));
                }
                format!("api-{cluster}.pusher.com")
            }
            (None, None) => format!("api-{DEFAULT_CLUSTER}.pusher.com"),
        };
        if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
            return Err(Error::config(format!("host {host:?} is not a host name")));
        }
        Ok(match self.port {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        })
    }
}

/// A base URL checked to be `scheme://host[:port]`: Channels signs the request path, so the
/// base may carry no path of its own (nor credentials, a query or a fragment).
fn origin(url: &str) -> Result<String> {
    let shown = push_core::redacted_url(url);
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::config(format!("the base URL {shown} needs a scheme (https://...)"))
    })?;
    let rest = rest.trim_end_matches('/');
    if !matches!(scheme, "http" | "https") || rest.contains(['/', '?', '#', '@']) {
        return Err(Error::config(format!(
            "the base URL {shown} must be http(s)://host[:port] only"
        )));
    }
    let (host, port) = split_host_port(rest)?;
    Ok(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

/// The parts of a `https://key:secret@host[:port]/apps/{id}` URL.
#[derive(Debug)]
struct ParsedUrl {
    scheme: String,
    key: String,
    secret: String,
    host: String,
    port: Option<u16>,
    app_id: String,
}

impl ParsedUrl {
    fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            Error::config("the URL needs a scheme: https://key:secret@host/apps/ID")
        })?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(Error::config(format!(
                "scheme {scheme:?} is not http or https"
            )));
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, host_port) = authority
            .rsplit_once('@')
            .ok_or_else(|| Error::config("the URL needs key:secret@ before the host"))?;
        let (key, secret) = userinfo
            .split_once(':')
            .ok_or_else(|| Error::config("the URL's user info must be key:secret"))?;
        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| Error::config(format!("the URL's {what} is not valid UTF-8")))
        };
        let key = decode(key, "key")?;
        let secret = decode(secret, "secret")?;
        if key.is_empty() || secret.is_empty() {
            return Err(Error::config("the URL's key and secret must not be empty"));
        }
        let (host, port) = split_host_port(host_port)?;
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let app_id = match (segments.next(), segments.next(), segments.next()) {
            (Some("apps"), Some(id), None) => id.to_owned(),
            _ => return Err(Error::config("the URL's path must be /apps/{app_id}")),
        };
        Ok(Self {
            scheme,
            key,
            secret,
            host,
            port,
            app_id,
        })
    }
}

/// Splits `host[:port]`, with IPv6 literals in brackets.
fn split_host_port(authority: &str) -> Result<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| Error::config("an IPv6 host is missing its closing ']'"))?;
        (format!("[{host}]"), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (authority.to_owned(), None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err(Error::config("the host is missing"));
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| Error::config(format!("port {p:?} is not a port number")))?,
        ),
    };
    Ok((host, port))
}
