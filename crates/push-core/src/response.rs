//! What comes back: a successful answer read whole, and the parser that turns any other
//! answer into the provider's error.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, Result};

/// The largest response body read; a larger one fails with [`Error::Decode`].
pub const MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;

/// A successful answer: status, headers and the whole body.
#[derive(Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
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

pub(crate) enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

/// Reads the whole body, at most [`MAX_RESPONSE_BODY`] bytes. A body that arrives in one
/// piece (the usual small JSON answer) is returned as that piece, without a copy; only a
/// body in several pieces is gathered into one buffer. One loop over `chunk()` keeps this
/// future small: it lives inside every request's future, once per request in flight.
pub(crate) async fn read_body(response: &mut reqwest::Response) -> Result<Bytes, BodyError> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_RESPONSE_BODY as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    let mut len = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        len += chunk.len();
        if len > MAX_RESPONSE_BODY {
            return Err(BodyError::TooLarge);
        }
        match first.take() {
            None if rest.is_empty() => first = Some(chunk),
            Some(piece) => {
                rest.reserve(len);
                rest.extend_from_slice(&piece);
                rest.extend_from_slice(&chunk);
            }
            None => rest.extend_from_slice(&chunk),
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(rest)))
}
