//! The one error type shared by every push-rs provider crate.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::retry::{Decision, Outcome, classify};

/// A boxed error kept as the `source` of transport failures.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling a push service.
///
/// Provider crates re-export this type, so `push_channels::Error`, `push_beams::Error` and
/// `push_pushpad::Error` are all this enum. No variant ever carries a secret: a failed
/// connection names the server's `host:port`, never the URL (Channels signs in its query),
/// and headers are never included.
///
/// # Which variant, when
///
/// One rule in every provider:
///
/// | what went wrong | variant |
/// | --- | --- |
/// | a value given to a client builder, found by `build()` | [`Error::Config`] |
/// | an argument of a call, found before anything is sent | [`Error::InvalidInput`], naming the field |
/// | the service answered with a status the call does not expect | [`Error::Api`] |
/// | the service answered with a success but a body that is not the documented one | [`Error::Decode`] |
/// | no connection could be made | [`Error::Connect`] |
/// | the call ran out of time | [`Error::Timeout`] |
/// | the connection broke after the request may have been sent | [`Error::Transport`] |
/// | an incoming webhook failed verification | [`Error::Webhook`] |
///
/// [`Error::is_retryable`] asks the retry classifier itself, so it agrees with what the
/// built-in retries do.
///
/// ```
/// use push_core::Error;
///
/// let err = Error::invalid_input("channel", "must not be empty");
/// assert_eq!(err.to_string(), "invalid channel: must not be empty");
/// assert!(err.is_invalid_input());
/// assert!(!err.is_retryable());
/// assert_eq!(err.status(), None);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The name of the field or argument at fault (for example `channels[3]`).
        field: Cow<'static, str>,
        /// Why it was refused.
        reason: String,
    },

    /// The service answered with a status that is not a success for this call.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// No connection could be made; the request was certainly not sent.
    #[error("could not connect to {address}: {}", root_cause(.source.as_ref()))]
    Connect {
        /// The server's `host:port`.
        address: String,
        /// The underlying I/O or TLS failure.
        #[source]
        source: BoxError,
    },

    /// The request did not complete within the configured timeout or retry deadline.
    #[error("the request to {address} timed out after {elapsed:?}")]
    Timeout {
        /// The server's `host:port`.
        address: String,
        /// How long the call ran before giving up.
        elapsed: Duration,
        /// The underlying failure, when the HTTP client reported one.
        #[source]
        source: Option<BoxError>,
    },

    /// The connection failed after the request may have been sent (for example a reset
    /// mid-response).
    #[error("the connection to {address} failed: {}", root_cause(.source.as_ref()))]
    Transport {
        /// The server's `host:port`.
        address: String,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },

    /// The service answered with a success status but a body we could not understand.
    #[error("could not decode the response: {reason}")]
    Decode {
        /// What was wrong with the body.
        reason: String,
        /// The parser's error, when there was one.
        #[source]
        source: Option<BoxError>,
    },

    /// The client was configured with values that cannot work (a bad URL, a missing key...).
    #[error("invalid configuration: {reason}")]
    Config {
        /// What is wrong with the configuration.
        reason: String,
    },

    /// An incoming webhook failed verification (bad signature, unknown key, stale, malformed).
    #[error("webhook rejected: {reason}")]
    Webhook {
        /// Why the webhook was rejected.
        reason: String,
    },
}

impl Error {
    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid_input(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Config`].
    pub fn config(reason: impl Into<String>) -> Self {
        Self::Config {
            reason: reason.into(),
        }
    }

    /// An [`Error::Decode`] without an underlying parser error.
    pub fn decode(reason: impl Into<String>) -> Self {
        Self::Decode {
            reason: reason.into(),
            source: None,
        }
    }

    /// An [`Error::Webhook`].
    pub fn webhook(reason: impl Into<String>) -> Self {
        Self::Webhook {
            reason: reason.into(),
        }
    }

    /// The HTTP status the service answered with, for [`Error::Api`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The details of an API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: what the retry classifier
    /// ([`classify`](crate::classify)) would retry for a request that is safe to repeat —
    /// connection failures, timeouts, broken connections, 429, 500, 502, 503 and 504 (not
    /// 501, not other 4xx, not a refused input).
    ///
    /// This is advice for the caller after the built-in retries are exhausted; whether a
    /// *publish* is safe to repeat is still the caller's call (the service may have accepted it
    /// before a timeout).
    pub fn is_retryable(&self) -> bool {
        let outcome = match self {
            Self::Connect { .. } => Outcome::ConnectFailed,
            Self::Timeout { .. } => Outcome::TimedOut,
            Self::Transport { .. } => Outcome::Interrupted,
            Self::Api(api) => Outcome::Status {
                status: api.status,
                retry_after: api.retry_after,
            },
            Self::InvalidInput { .. }
            | Self::Decode { .. }
            | Self::Config { .. }
            | Self::Webhook { .. } => {
                return false;
            }
        };
        classify(true, outcome) != Decision::Stop
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether the service refused the call because of rate limiting (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether an argument was refused before anything was sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. })
    }

    /// Whether this is an [`Error::Webhook`].
    pub fn is_webhook(&self) -> bool {
        matches!(self, Self::Webhook { .. })
    }

    /// The `Retry-After` delay the service asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|api| api.retry_after)
    }
}

/// The innermost cause of `error`'s chain, which says what happened ("Connection refused");
/// the outer layers only say where it happened.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Self::Api(Box::new(api))
    }
}

/// Details of an answer whose status is not a success for the call that was made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The provider's short error code or title, when the body carried one (Beams `error`).
    pub code: Option<String>,
    /// The provider's human-readable message: Beams `description`, the text body of a Channels
    /// error, Pushpad's `error`/`errors`.
    pub message: Option<String>,
    /// The raw response body, lossily decoded as UTF-8 and truncated to
    /// [`ApiError::MAX_BODY`] bytes.
    pub body: String,
    /// The delay the service asked for in `Retry-After`, if any.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// The most body text kept in [`ApiError::body`], in bytes.
    pub const MAX_BODY: usize = 8 * 1024;

    /// An API error for `status` with the raw `body` and no parsed details.
    ///
    /// ```
    /// let err = push_core::ApiError::new(503, b"busy");
    /// assert_eq!(err.body, "busy");
    /// assert_eq!(err.to_string(), "the service answered HTTP 503: busy");
    /// ```
    pub fn new(status: u16, body: &[u8]) -> Self {
        let mut end = body.len().min(Self::MAX_BODY);
        // Do not cut a UTF-8 sequence in half.
        while end < body.len() && end > 0 && (body[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        Self {
            status,
            code: None,
            message: None,
            body: String::from_utf8_lossy(&body[..end]).into_owned(),
            retry_after: None,
        }
    }

    /// Sets the provider's error code or title.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the provider's message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the `Retry-After` delay.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the service answered HTTP {}", self.status)?;
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}"),
            (Some(text), None) | (None, Some(text)) => write!(f, ": {text}"),
            (None, None) if self.body.trim().is_empty() => Ok(()),
            (None, None) => {
                let body = self.body.trim();
                if body.len() > 200 {
                    let mut cut = 200;
                    while !body.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    write!(f, ": {}…", &body[..cut])
                } else {
                    write!(f, ": {body}")
                }
            }
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_display_prefers_code_and_message() {
        let err = ApiError::new(422, b"{}")
            .with_code("Unprocessable Entity")
            .with_message("interests must be unique");
        assert_eq!(
            err.to_string(),
            "the service answered HTTP 422: Unprocessable Entity: interests must be unique"
        );
    }

    #[test]
    fn api_error_body_is_truncated_on_a_char_boundary() {
        let body = "é".repeat(ApiError::MAX_BODY); // 2 bytes each
        let err = ApiError::new(500, body.as_bytes());
        assert!(err.body.len() <= ApiError::MAX_BODY);
        assert!(err.body.chars().all(|c| c == 'é'));
    }

    #[test]
    fn empty_body_displays_status_only() {
        assert_eq!(
            ApiError::new(503, b"").to_string(),
            "the service answered HTTP 503"
        );
    }

    #[test]
    fn helpers_classify_errors() {
        let rate: Error = ApiError::new(429, b"").into();
        assert!(rate.is_rate_limited() && rate.is_retryable());
        assert_eq!(rate.status(), Some(429));
        let not_found: Error = ApiError::new(404, b"").into();
        assert!(!not_found.is_retryable());
        let timeout = Error::Timeout {
            address: "h:1".to_owned(),
            elapsed: Duration::from_secs(1),
            source: None,
        };
        assert!(timeout.is_timeout() && timeout.is_retryable());
        let not_implemented: Error = ApiError::new(501, b"").into();
        assert!(
            !not_implemented.is_retryable(),
            "the classifier never retries 501"
        );
        for status in [500, 502, 503, 504] {
            assert!(
                Error::from(ApiError::new(status, b"")).is_retryable(),
                "{status}"
            );
        }
        assert!(
            Error::config("x")
                .to_string()
                .contains("invalid configuration")
        );
    }
}
