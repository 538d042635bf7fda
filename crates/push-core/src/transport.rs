//! The transport: one pooled client that sends a provider's requests, each in a tracing span
//! named after the OpenTelemetry HTTP client conventions, through the retry loop.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;
use tracing::field::Empty;

use crate::error::{BoxError, Error, Result};
use crate::request::{Request, Target};
use crate::response::{BodyError, ErrorParser, MAX_RESPONSE_BODY, Response, read_body};
use crate::retry::{Outcome, RetryPolicy, Sleeper, parse_retry_after};
use crate::retry_loop::{self, Attempt, Timing};
use crate::url::{Endpoint, parse_exact};

/// Sends requests: one pooled HTTP client, default headers, timeouts and retries.
///
/// Cloning is cheap (an `Arc`): clones share the connection pool. Non-success statuses come
/// back as [`Error::Api`], built by the provider's [`ErrorParser`].
#[derive(Clone)]
pub struct Transport {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) client: reqwest::Client,
    pub(crate) base_url: String,
    /// The base URL's path without its trailing `/` (empty for the root).
    pub(crate) base_path: String,
    /// The base URL's `host:port`, which every request reaches; named in connection errors.
    pub(crate) address: String,
    /// The default headers.
    pub(crate) headers: HeaderMap,
    /// The default headers and `Content-Type: application/json`.
    pub(crate) json_headers: HeaderMap,
    /// Whether the defaults end with the `Accept: */*` reqwest would add to a request
    /// without one (moved after a request's own headers, or dropped for its own `Accept`).
    pub(crate) implicit_accept: bool,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: Sleeper,
    pub(crate) error_parser: ErrorParser,
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
    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
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
    /// does not reach the server as given (a dot segment, a character the URL rewrites).
    pub fn endpoint(&self, path: &str) -> Result<Endpoint> {
        if !path.starts_with('/') || path.contains(['?', '#']) {
            return Err(Error::invalid_input(
                "path",
                "an endpoint path starts with / and has no query or fragment",
            ));
        }
        let url = parse_exact(&self.inner.base_url, &self.inner.base_path, path)?;
        Ok(Endpoint::new(url, path))
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
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        (self.inner.error_parser)(response.status, &response.body)
            .with_retry_after(retry_after)
            .into()
    }

    /// Sends `request`, retrying as the policy and classifier allow, and returns the answer
    /// when its status is 2xx.
    ///
    /// The request runs in a `push_request` span whose fields follow the OpenTelemetry HTTP
    /// client conventions: `http.request.method`, `server.address`, `server.port`, `url.path`
    /// (never the query, where Channels signs), `http.response.status_code`,
    /// `http.request.resend_count` and `error.type`.
    ///
    /// The future holds the request, the URL and the answer once each (about 900 bytes in
    /// all): the steps below are functions returning `async move` blocks that use what they
    /// capture in place, where an `async fn` would keep a second copy of each argument.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` would hold each argument twice in its future"
    )]
    pub fn send(&self, request: Request) -> impl Future<Output = Result<Response>> + Send + '_ {
        async move {
            // A block ending in the future, so that the URL moved into it is not also kept
            // in this frame while it runs.
            let sending = {
                let url = self.url_of(&request)?;
                let span = tracing::debug_span!(
                    "push_request",
                    "otel.name" = request.method.as_str(),
                    "otel.kind" = "client",
                    "http.request.method" = request.method.as_str(),
                    "server.address" = url.host_str().unwrap_or_default(),
                    "server.port" = url.port_or_known_default(),
                    "url.path" = url.path(),
                    "http.response.status_code" = Empty,
                    "http.request.resend_count" = Empty,
                    "error.type" = Empty,
                );
                // The span is entered around each poll and records the outcome itself (see
                // `send_to`), so this frame keeps no clone of it.
                self.send_to(&request, url).instrument(span)
            };
            sending.await
        }
    }

    fn send_to<'a>(
        &'a self,
        request: &'a Request,
        url: reqwest::Url,
    ) -> impl Future<Output = Result<Response>> + Send + 'a {
        // The headers are checked and the first attempt dispatched here, before the future:
        // it then holds the first attempt's pending answer (a pointer) instead of its URL.
        // A retry, rare, makes the URL again.
        let (extra, defaults, mut first) = match self.headers_of(request) {
            Ok((extra, defaults)) => {
                let first = self.dispatch(request, url, defaults, &extra, 1);
                (extra, defaults, Some(Ok(first)))
            }
            // A refused header goes to the first attempt, which returns it as it is: the
            // loop stops at once on invalid input.
            Err(err) => (Vec::new(), &self.inner.headers, Some(Err(Box::new(err)))),
        };
        async move {
            let inner = &*self.inner;
            let timing = Timing {
                now: &Instant::now,
                sleeper: &inner.sleeper,
                started: Instant::now(),
            };
            // Lent to each attempt (a pointer in its future rather than a copy).
            let started = &timing.started;
            let result = retry_loop::run(
                &inner.retry,
                inner.timeout,
                request.is_idempotent(),
                &timing,
                |elapsed| Error::Timeout {
                    address: inner.address.clone(),
                    elapsed,
                    source: None,
                },
                |attempt| {
                    // A URL that cannot be made (only possible on a retry, as the first one
                    // was made before) is boxed: the attempt's future holds a pointer, not
                    // an `Error`, for a case that does not happen.
                    let sent = first.take().unwrap_or_else(|| {
                        self.url_of(request)
                            .map(|url| {
                                self.dispatch(request, url, defaults, &extra, attempt.number)
                            })
                            .map_err(Box::new)
                    });
                    self.attempt(sent, attempt, started)
                },
            )
            .await;
            record_outcome(&result);
            result
        }
    }

    /// The request's own headers, checked, and the defaults they are added to (the JSON
    /// defaults are ready-made). Checked once per call; each attempt adds them to a copy of
    /// the defaults.
    fn headers_of<'a>(
        &'a self,
        request: &Request,
    ) -> Result<(Vec<(HeaderName, HeaderValue)>, &'a HeaderMap)> {
        let inner = &*self.inner;
        let mut extra = Vec::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_input("header", format!("{name:?} is not valid")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_input("header", format!("the value of {name} is not valid"))
            })?;
            extra.push((header_name, header_value));
        }
        let defaults = match request.content_type {
            None => &inner.headers,
            Some("application/json") => &inner.json_headers,
            Some(other) => {
                extra.push((header::CONTENT_TYPE, HeaderValue::from_static(other)));
                &inner.headers
            }
        };
        Ok((extra, defaults))
    }

    /// The URL `request` goes to.
    fn url_of(&self, request: &Request) -> Result<reqwest::Url> {
        let inner = &*self.inner;
        match &request.target {
            Target::Relative(path_and_query) => {
                parse_exact(&inner.base_url, &inner.base_path, path_and_query)
            }
            Target::Endpoint { endpoint, query } => endpoint.url_with(query.as_deref()),
        }
    }

    /// The request of one attempt, handed to the HTTP client: the future that writes it and
    /// reads the answer's head. Built here, outside the attempt's future, so that what goes
    /// into it (the URL, the assembled request) is not also held there while it runs.
    fn dispatch(
        &self,
        request: &Request,
        url: reqwest::Url,
        defaults: &HeaderMap,
        extra: &[(HeaderName, HeaderValue)],
        number: u32,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + use<> {
        if number > 1
            && let Some(span) = request_span()
        {
            span.record("http.request.resend_count", number - 1);
        }
        // The request is assembled in place: the copy of the default headers becomes its
        // header map (a builder would insert them one by one into another map).
        let mut outgoing = reqwest::Request::new(request.method.to_reqwest(), url);
        let headers = outgoing.headers_mut();
        *headers = defaults.clone();
        if !extra.is_empty() {
            // The `Accept: */*` reqwest would add goes after the request's own headers, and
            // not at all when they have one.
            let implicit = if self.inner.implicit_accept {
                headers.remove(header::ACCEPT)
            } else {
                None
            };
            for (name, value) in extra {
                headers.append(name.clone(), value.clone());
            }
            if let Some(accept) = implicit
                && !headers.contains_key(header::ACCEPT)
            {
                headers.insert(header::ACCEPT, accept);
            }
        }
        if let Some(body) = &request.body {
            *outgoing.body_mut() = Some(body.clone().into());
        }
        self.inner.client.execute(outgoing)
    }

    /// One attempt: sends the dispatched request, reads the whole answer, and says what
    /// happened (for the classifier) and what to return if the loop stops here.
    fn attempt<'a, F>(
        &'a self,
        sent: std::result::Result<F, Box<Error>>,
        attempt: Attempt,
        started: &'a Instant,
    ) -> impl Future<Output = (Outcome, Result<Response>)> + Send + 'a
    where
        F: Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a,
    {
        // The attempt's own duration is for the DEBUG line only: no clock read without it.
        let attempt_started = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
        let number = attempt.number;
        async move {
            let sent = match sent {
                Ok(sent) => sent,
                Err(err) => return (Outcome::ConnectFailed, Err(*err)),
            };
            // The attempt's timeout covers the answer's head and body. It is a timer in this
            // future rather than the HTTP client's per-request timeout, which boxes a timer,
            // wraps the body and stores its setting in the request's extensions every time.
            let deadline = tokio::time::Instant::from_std(attempt.deadline);
            let (outcome, result) =
                match tokio::time::timeout_at(deadline, self.exchange(sent, started)).await {
                    Ok(answer) => answer,
                    Err(_) => (
                        Outcome::TimedOut,
                        Err(Error::Timeout {
                            address: self.inner.address.clone(),
                            elapsed: started.elapsed(),
                            source: None,
                        }),
                    ),
                };
            let Some(attempt_started) = attempt_started else {
                return (outcome, result);
            };
            let elapsed_ms = attempt_started.elapsed().as_millis() as u64;
            match &result {
                Ok(resp) => tracing::debug!(
                    attempt = number,
                    status = resp.status,
                    elapsed_ms,
                    "answered"
                ),
                Err(err) => tracing::debug!(
                    attempt = number,
                    status = err.status(),
                    elapsed_ms,
                    error = %err,
                    "attempt failed"
                ),
            }
            (outcome, result)
        }
    }

    /// Awaits the answer's head, then reads its body whole: a 2xx is the [`Response`],
    /// anything else the provider's error. The answer is held once, by this future.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` would hold each argument twice in its future"
    )]
    fn exchange(
        &self,
        sent: impl Future<Output = reqwest::Result<reqwest::Response>>,
        started: &Instant,
    ) -> impl Future<Output = (Outcome, Result<Response>)> {
        async move {
            let mut response = match sent.await {
                Ok(response) => response,
                Err(err) => return transport_failure(err, &self.inner.address, *started),
            };
            let status = response.status().as_u16();
            let body = match read_body(&mut response).await {
                Ok(body) => body,
                Err(BodyError::Transport(err)) => {
                    return transport_failure(err, &self.inner.address, *started);
                }
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
            // Taken, not copied, once the body is read.
            let response = Response {
                status,
                headers: std::mem::take(response.headers_mut()),
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
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let outcome = Outcome::Status {
                status,
                retry_after,
            };
            (outcome, Err(self.api_error(&response)))
        }
    }
}

/// The request's `push_request` span, when it is the current one (it is entered around each
/// poll of the request's future) and a subscriber records it; never a caller's span.
fn request_span() -> Option<tracing::Span> {
    let span = tracing::Span::current();
    span.metadata()
        .is_some_and(|meta| meta.name() == "push_request")
        .then_some(span)
}

/// Records how a request ended on its span.
fn record_outcome(result: &Result<Response>) {
    let Some(span) = request_span() else {
        return;
    };
    match result {
        Ok(response) => {
            span.record("http.response.status_code", response.status);
        }
        Err(err) => {
            if let Some(status) = err.status() {
                span.record("http.response.status_code", status);
            }
            span.record("error.type", error_type(err).as_ref());
        }
    }
}

/// The OpenTelemetry `error.type` of a failed request: the status code of an answer, or the
/// kind of failure when there was none.
fn error_type(err: &Error) -> std::borrow::Cow<'static, str> {
    match err {
        Error::Api(api) => api.status.to_string().into(),
        Error::Connect { .. } => "connect".into(),
        Error::Timeout { .. } => "timeout".into(),
        Error::Transport { .. } => "transport".into(),
        Error::Decode { .. } => "decode".into(),
        Error::InvalidInput { .. } => "invalid_input".into(),
        Error::Config { .. } => "config".into(),
        Error::Webhook { .. } => "webhook".into(),
    }
}

/// Maps a client failure to the classifier's outcome and our error, naming `address`
/// (`host:port`) but never the URL (the query string holds Channels' signature).
///
/// A builder error means the client refused the request before sending anything (for example
/// a URL longer than the 65 534 bytes the `http` crate accepts): that is the caller's input,
/// reported as [`Error::InvalidInput`] for `request`, and the send loop does not retry it.
fn transport_failure(
    err: reqwest::Error,
    address: &str,
    started: Instant,
) -> (Outcome, Result<Response>) {
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
    let address = address.to_owned();
    let outcome = if is_connect {
        Outcome::ConnectFailed
    } else if is_timeout {
        Outcome::TimedOut
    } else {
        Outcome::Interrupted
    };
    let error = if is_timeout {
        Error::Timeout {
            address,
            elapsed: started.elapsed(),
            source: Some(source),
        }
    } else if is_connect {
        Error::Connect { address, source }
    } else {
        Error::Transport { address, source }
    };
    (outcome, Err(error))
}
