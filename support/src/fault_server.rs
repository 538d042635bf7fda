//! A local HTTP/1.1 server that misbehaves on command, for fault-injection tests: resets,
//! silence, slow and truncated bodies, error statuses with `Retry-After`. It speaks just enough
//! HTTP by hand (no framework) so that each fault is exactly what the test asked for.
//!
//! ```
//! use push_test_support::fault_server::{Act, FaultServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> push_core::Result<()> {
//! // The first request gets a 503, the next ones a 200.
//! let server = FaultServer::script(vec![Act::status(503), Act::answer(200, "{}")]).await?;
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.requests(), 0);
//! # Ok(()) }
//! ```

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use push_core::{Error, Result};

/// What the server does with one request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Act {
    /// Answers with this status, extra headers and body; the connection stays open.
    Answer {
        /// The status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Sends a 200 head and half of `body`, then resets the connection (RST).
    Reset {
        /// The body that is cut in half.
        body: Vec<u8>,
    },
    /// Answers `status` with `Retry-After` as the HTTP date `secs` seconds from now.
    RetryAtDate {
        /// The status.
        status: u16,
        /// Seconds from now.
        secs: u64,
    },
    /// Reads the request and never answers; the connection stays open.
    Silent,
    /// Answers `status` with `body`, one byte every `gap`.
    Slow {
        /// The status.
        status: u16,
        /// The body.
        body: Vec<u8>,
        /// The pause before each byte.
        gap: Duration,
    },
    /// Announces a `Content-Length` longer than `body`, sends `body`, then closes (FIN).
    Truncated {
        /// What is sent of the body.
        body: Vec<u8>,
    },
}

impl Act {
    /// An answer with a text body.
    pub fn answer(status: u16, body: &str) -> Self {
        Self::answer_with(status, &[], body)
    }

    /// An answer with extra headers and a text body.
    pub fn answer_with(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Self::Answer {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// An answer with an empty body.
    pub fn status(status: u16) -> Self {
        Self::answer(status, "")
    }
}

/// One request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query (empty when absent).
    pub query: String,
    /// Headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Seen {
    /// The request target as sent: the path, and `?query` when there is one.
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Responder = dyn Fn(usize, &Seen) -> Act + Send + Sync;

struct State {
    respond: Box<Responder>,
    requests: AtomicUsize,
    connections: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
}

/// The misbehaving server. Dropping it stops the server and closes every connection.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl fmt::Debug for FaultServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultServer")
            .field("addr", &self.addr)
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl FaultServer {
    /// Answers request `n` (counted from 0) with `script[n]`; the last entry repeats.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty script or when no port can be bound.
    pub async fn script(script: Vec<Act>) -> Result<Self> {
        let last = script
            .len()
            .checked_sub(1)
            .ok_or_else(|| Error::config("a fault script needs at least one act"))?;
        Self::start(move |n, _| script[n.min(last)].clone()).await
    }

    /// Answers each request with whatever `respond(n, request)` says.
    ///
    /// # Errors
    /// [`Error::Config`] when no port can be bound on 127.0.0.1.
    pub async fn start(
        respond: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static,
    ) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(socket_error("cannot bind 127.0.0.1"))?;
        let addr = listener
            .local_addr()
            .map_err(socket_error("no local address"))?;
        let state = Arc::new(State {
            respond: Box::new(respond),
            requests: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        });
        let st = Arc::clone(&state);
        let task = tokio::spawn(async move {
            // Owned by this task: aborting it drops the set, which aborts every connection.
            let mut conns = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                st.connections.fetch_add(1, Ordering::SeqCst);
                conns.spawn(serve(stream, Arc::clone(&st)));
                while conns.try_join_next().is_some() {}
            }
        });
        Ok(Self { addr, state, task })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Every request read so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Makes a socket's I/O error an [`Error::Config`] saying what could not be done.
fn socket_error(what: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::config(format!("{what}: {e}"))
}

/// A URL where nothing listens: a port bound, then released.
///
/// # Errors
/// [`Error::Config`] when no port can be bound.
pub fn refused_url() -> Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(socket_error("cannot bind 127.0.0.1"))?;
    let addr = listener
        .local_addr()
        .map_err(socket_error("no local address"))?;
    drop(listener);
    Ok(format!("http://{addr}"))
}

fn head(status: u16, headers: &[(String, String)], len: usize) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status} Fault\r\ncontent-length: {len}\r\n");
    for (k, v) in headers {
        h.push_str(k);
        h.push_str(": ");
        h.push_str(v);
        h.push_str("\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

async fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (path, query) = (path.to_owned(), query.to_owned());
    let mut headers = Vec::new();
    let mut len = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_owned());
        if k == "content-length" {
            len = v.parse().ok()?;
        }
        headers.push((k, v));
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).await.ok()?;
    Some(Seen {
        method,
        path,
        query,
        headers,
        body,
    })
}

async fn serve(stream: TcpStream, state: Arc<State>) {
    let mut reader = BufReader::new(stream);
    while let Some(seen) = read_request(&mut reader).await {
        let n = state.requests.fetch_add(1, Ordering::SeqCst);
        let act = (state.respond)(n, &seen);
        state
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(seen);
        let stream = reader.get_mut();
        match act {
            Act::Answer {
                status,
                headers,
                body,
            } => {
                let mut out = head(status, &headers, body.len());
                out.extend_from_slice(&body);
                if stream.write_all(&out).await.is_err() {
                    return;
                }
            }
            Act::RetryAtDate { status, secs } => {
                let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(secs));
                let out = head(status, &[("Retry-After".to_owned(), date)], 0);
                if stream.write_all(&out).await.is_err() {
                    return;
                }
            }
            Act::Reset { body } => {
                let mut out = head(200, &[], body.len());
                out.extend_from_slice(&body[..body.len() / 2]);
                let _ = stream.write_all(&out).await;
                // Let the client read the head before the reset reaches it.
                tokio::time::sleep(Duration::from_millis(30)).await;
                let _ = stream.set_zero_linger();
                return;
            }
            Act::Silent => std::future::pending::<()>().await,
            Act::Slow { status, body, gap } => {
                if stream
                    .write_all(&head(status, &[], body.len()))
                    .await
                    .is_err()
                {
                    return;
                }
                for byte in body {
                    tokio::time::sleep(gap).await;
                    if stream.write_all(&[byte]).await.is_err() {
                        return;
                    }
                }
            }
            Act::Truncated { body } => {
                let mut out = head(200, &[], body.len() + 100);
                out.extend_from_slice(&body);
                let _ = stream.write_all(&out).await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}
