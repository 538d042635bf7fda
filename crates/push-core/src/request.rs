//! What a provider sends: the method and the request, its body serialised once.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use crate::url::Endpoint;

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

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
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

impl Method {
    /// Whether repeating the request has the same effect as sending it once
    /// (RFC 9110 §9.2.2): `GET`, `HEAD`, `PUT` and `DELETE`.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Self::Get | Self::Head | Self::Put | Self::Delete)
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
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) body: Option<Bytes>,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) headers: Vec<(String, String)>,
    idempotent: Option<bool>,
}

/// Where a request goes: a path to parse against the base URL, or a pre-parsed endpoint.
#[derive(Clone)]
pub(crate) enum Target {
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

    pub(crate) fn is_idempotent(&self) -> bool {
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
