//! What the providers' local sandboxes share: the [`Fault`] their `fail_next` injects, and
//! (hidden from these docs: plumbing for the provider crates) an HTTP server on `127.0.0.1:0`
//! that hands every request, raw, to a provider's handler.
//!
//! Each provider crate builds its faithful stand-in (authentication, limits, responses,
//! recording) on top of [`SandboxServer`]. The server is [hyper](https://hyper.rs) driven
//! directly rather than a framework: a sandbox must see the raw query string and the raw body
//! bytes to recompute signatures exactly as the real service does, its routes are a handful of
//! paths matched by hand, and hyper is already compiled for reqwest, so the feature costs almost
//! nothing to build.
//!
//! ```
//! use push_core::sandbox::{SandboxRequest, SandboxResponse, SandboxServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> push_core::Result<()> {
//! let server = SandboxServer::start(|req: SandboxRequest| {
//!     SandboxResponse::text(200, format!("{} {}", req.method, req.path))
//! })
//! .await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::error::{Error, Result};

#[doc(hidden)]
/// The largest request body the sandbox reads; larger ones are answered 413.
pub const MAX_REQUEST_BODY: usize = 4 * 1024 * 1024;

#[doc(hidden)]
/// A request as the sandbox received it: nothing decoded, nothing normalised.
#[derive(Clone)]
pub struct SandboxRequest {
    /// The method, upper case (`"POST"`).
    pub method: String,
    /// The path, still percent-encoded (`"/apps/1/events"`).
    pub path: String,
    /// The raw query string without the `?` (empty when there is none).
    pub query: String,
    /// Every header, names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
}

impl SandboxRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The query parameters, percent-decoded (`+` as space), in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect()
    }

    /// The first value of query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The path split into its percent-decoded segments (`/a/b%2Fc` → `["a", "b/c"]`).
    pub fn path_segments(&self) -> Vec<String> {
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
            .collect()
    }
}

impl fmt::Debug for SandboxRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query may hold a signature and the headers a token.
        f.debug_struct("SandboxRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

#[doc(hidden)]
/// What the sandbox answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxResponse {
    /// The status code.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl SandboxResponse {
    /// A response with no body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A `text/plain` response.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::empty(status)
            .with_header("content-type", "text/plain; charset=utf-8")
            .with_body(body.into())
    }

    /// An `application/json` response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::empty(status)
            .with_header("content-type", "application/json")
            .with_body(body.to_string())
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }
}

/// A fault the sandbox injects instead of handling a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The status to answer with.
    pub status: u16,
    /// The `Retry-After` header value to send, if any (seconds or an HTTP date).
    pub retry_after: Option<String>,
    /// The body to send.
    pub body: String,
}

impl Fault {
    /// A fault answering `status` with an empty body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            retry_after: None,
            body: String::new(),
        }
    }

    /// Adds a `Retry-After` header (seconds).
    #[must_use]
    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after.as_secs().to_string());
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }
}

type Handler = dyn Fn(SandboxRequest) -> SandboxResponse + Send + Sync;

struct Shared {
    handler: Box<Handler>,
    faults: Mutex<VecDeque<Fault>>,
    seen: AtomicUsize,
}

#[doc(hidden)]
/// An HTTP server on `127.0.0.1` with an ephemeral port, stopped when dropped.
///
/// Cloning is cheap; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct SandboxServer {
    inner: Arc<ServerInner>,
}

struct ServerInner {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

impl Drop for ServerInner {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl fmt::Debug for SandboxServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxServer")
            .field("addr", &self.inner.addr)
            .finish_non_exhaustive()
    }
}

impl SandboxServer {
    /// Binds `127.0.0.1:0` and serves every request with `handler`, on the current tokio
    /// runtime.
    pub async fn start<H>(handler: H) -> Result<Self>
    where
        H: Fn(SandboxRequest) -> SandboxResponse + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|err| Error::config(format!("the sandbox could not bind 127.0.0.1: {err}")))?;
        let addr = listener
            .local_addr()
            .map_err(|err| Error::config(format!("the sandbox has no local address: {err}")))?;
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            faults: Mutex::new(VecDeque::new()),
            seen: AtomicUsize::new(0),
        });
        let (shutdown, mut stop) = watch::channel(false);
        let accept_shared = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.changed() => return,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let shared = accept_shared.clone();
                        let mut stop = stop.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |req| serve(shared.clone(), req));
                            let conn = http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service);
                            tokio::pin!(conn);
                            tokio::select! {
                                _ = conn.as_mut() => {}
                                _ = stop.changed() => conn.as_mut().graceful_shutdown(),
                            }
                        });
                    }
                }
            }
        });
        Ok(Self {
            inner: Arc::new(ServerInner {
                addr,
                shared,
                shutdown,
            }),
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// Answers each of the next `count` requests with `fault` instead of handling them.
    pub fn fail_next(&self, count: usize, fault: Fault) {
        let mut faults = self
            .inner
            .shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        faults.extend(std::iter::repeat_n(fault, count));
    }

    /// How many requests reached the server, faults included.
    pub fn requests_seen(&self) -> usize {
        self.inner.shared.seen.load(Ordering::SeqCst)
    }
}

async fn serve(
    shared: Arc<Shared>,
    req: hyper::Request<Incoming>,
) -> std::result::Result<hyper::Response<Full<Bytes>>, Infallible> {
    shared.seen.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = req.into_parts();
    let too_large = SandboxResponse::text(413, "Request Entity Too Large");
    let body = match http_body_util::Limited::new(body, MAX_REQUEST_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(to_hyper(too_large)),
    };
    let fault = shared
        .faults
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop_front();
    if let Some(fault) = fault {
        let mut resp = SandboxResponse::text(fault.status, fault.body);
        if let Some(after) = fault.retry_after {
            resp = resp.with_header("retry-after", after);
        }
        return Ok(to_hyper(resp));
    }
    let request = SandboxRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    Ok(to_hyper((shared.handler)(request)))
}

fn to_hyper(resp: SandboxResponse) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(resp.body));
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in resp.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            out.headers_mut().append(name, value);
        }
    }
    out
}

#[doc(hidden)]
/// A log of what a sandbox accepted, in order, shared between the server and its owner.
#[derive(Debug)]
pub struct Recorder<T>(Arc<Mutex<Vec<T>>>);

impl<T> Clone for Recorder<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Default for Recorder<T> {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Vec::new())))
    }
}

impl<T: Clone> Recorder<T> {
    /// Appends an entry.
    pub fn push(&self, entry: T) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// A copy of every entry, oldest first.
    pub fn all(&self) -> Vec<T> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Removes and returns every entry.
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_segments_are_decoded() {
        let req = SandboxRequest {
            method: "GET".to_owned(),
            path: "/a%2Fb%20c%zz%/%C3%BC".to_owned(),
            query: "uids%5B%5D=u+2&tags%5B%5D=b%26c&flag".to_owned(),
            headers: Vec::new(),
            body: Bytes::new(),
        };
        assert_eq!(req.path_segments(), ["a/b c%zz%", "ü"]);
        assert_eq!(
            req.query_pairs(),
            vec![
                ("uids[]".to_owned(), "u 2".to_owned()),
                ("tags[]".to_owned(), "b&c".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
        assert_eq!(req.query_param("tags[]").as_deref(), Some("b&c"));
    }
}
