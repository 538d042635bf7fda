//! Fault injection: a raw HTTP/1.1 server on 127.0.0.1 that misbehaves on command. For every
//! fault and call the table below states what the caller gets (a typed error or success after
//! retries), how many requests reached the server, and how long the call may take.
//!
//! The retry rules checked here are push-core's classifier: a `POST` (notification create) is
//! retried only when no connection was made and on 429/503; a `GET` (notification get) also on
//! timeouts, broken connections and 500/502/504.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use pushpad::{Client, Error, NewNotification, RetryPolicy};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::common::TOKEN;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub(crate) enum Act {
    /// Answers with this status, extra headers and body; the connection stays open.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Sends the head and half of the body, then resets the connection (RST).
    Reset,
    /// Answers `status` with `Retry-After` as the HTTP date `secs` seconds after sending.
    RetryAtDate { status: u16, secs: u64 },
    /// Reads the request and never answers; the connection stays open.
    Silent,
    /// Answers `status` with `body`, one byte every `gap`.
    Slow {
        status: u16,
        body: Vec<u8>,
        gap: Duration,
    },
    /// Announces a `Content-Length` longer than the body it sends, then closes (FIN).
    Truncated,
}

pub(crate) fn answer(status: u16, body: &str) -> Act {
    answer_with(status, &[], body)
}

pub(crate) fn answer_with(status: u16, headers: &[(&str, &str)], body: &str) -> Act {
    Act::Answer {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) authorization: Option<String>,
    pub(crate) body: Vec<u8>,
}

type Responder = dyn Fn(usize, &Seen) -> Act + Send + Sync;

struct State {
    respond: Box<Responder>,
    requests: AtomicUsize,
    connections: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
}

/// The misbehaving server. Dropping it stops the server and closes every connection.
pub(crate) struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Server {
    /// Answers request `n` (counted from 0) with `script[n]`; the last entry repeats.
    pub(crate) async fn script(script: Vec<Act>) -> Self {
        assert!(!script.is_empty());
        Self::start(move |n, _| script[n.min(script.len() - 1)].clone()).await
    }

    /// Answers each request with whatever `respond(n, request)` says.
    pub(crate) async fn start(
        respond: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
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
        Self { addr, state, task }
    }

    pub(crate) fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    pub(crate) fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An address where nothing listens: bound, then released.
pub(crate) fn refused_uri() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

fn head(status: u16, headers: &[(String, String)], len: usize) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status} Fault\r\ncontent-length: {len}\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
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
    let path = parts.next()?.to_owned();
    let (mut len, mut authorization) = (0usize, None);
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
        match k.trim().to_ascii_lowercase().as_str() {
            "content-length" => len = v.trim().parse().ok()?,
            "authorization" => authorization = Some(v.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).await.ok()?;
    Some(Seen {
        method,
        path,
        authorization,
        body,
    })
}

async fn serve(stream: TcpStream, state: Arc<State>) {
    let mut reader = BufReader::new(stream);
    while let Some(seen) = read_request(&mut reader).await {
        let n = state.requests.fetch_add(1, Ordering::SeqCst);
        let act = (state.respond)(n, &seen);
        state.seen.lock().unwrap().push(seen);
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
            Act::Reset => {
                let body = br#"{"id":1,"title":"reset"}"#;
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
            Act::Truncated => {
                let body = br#"{"id":"#;
                let mut out = head(200, &[], 100);
                out.extend_from_slice(body);
                let _ = stream.write_all(&out).await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
const TIMEOUT: Duration = Duration::from_millis(300);
const DEADLINE: Duration = Duration::from_secs(2);
/// `Retry-After` is honoured up to this, so a server asking for seconds costs the suite 100 ms.
const RETRY_AFTER_CAP: Duration = Duration::from_millis(100);
/// Scheduling allowance on a loaded machine.
const SLACK: Duration = Duration::from_millis(400);

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_backoff(ms(1))
        .max_backoff(ms(5))
        .jitter(0.0)
        .deadline(Some(DEADLINE))
        .max_retry_after(RETRY_AFTER_CAP)
}

fn client(uri: &str, policy: RetryPolicy) -> Client {
    Client::builder(TOKEN)
        .project_id(123)
        .base_url(format!("{uri}/api/v1"))
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `notifications().create`: a POST, never repeated once it may have been processed.
    Create,
    /// `notifications().get`: an idempotent GET.
    Get,
}

/// The outcome as one word (`ok`, `api 503`, `timeout`, ...).
fn kind(result: &Result<String, Error>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(Error::Api(api)) => format!("api {}", api.status),
        Err(Error::Connect { .. }) => "connect".to_owned(),
        Err(Error::Timeout { .. }) => "timeout".to_owned(),
        Err(Error::Transport { .. }) => "transport".to_owned(),
        Err(Error::Decode { .. }) => "decode".to_owned(),
        Err(other) => format!("other: {other}"),
    }
}

/// An extra assertion on a call's result.
type Check = fn(&Result<String, Error>) -> bool;

struct Case {
    name: &'static str,
    call: Call,
    /// `None`: nothing listens (connection refused).
    script: Option<Vec<Act>>,
    policy: RetryPolicy,
    want: &'static str,
    requests: usize,
    /// The call must take at least `min` and at most `max`.
    min: Duration,
    max: Duration,
    check: Option<Check>,
}

#[derive(Debug)]
struct Row {
    case: &'static str,
    call: Call,
    outcome: String,
    requests: usize,
    elapsed: Duration,
}

fn case(
    name: &'static str,
    call: Call,
    script: Vec<Act>,
    want: &'static str,
    requests: usize,
) -> Case {
    Case {
        name,
        call,
        script: Some(script),
        policy: policy(),
        want,
        requests,
        min: Duration::ZERO,
        max: SLACK,
        check: None,
    }
}

impl Case {
    fn between(mut self, min: Duration, max: Duration) -> Self {
        self.min = min;
        self.max = max;
        self
    }
    fn policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }
    fn check(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }
}

fn cases() -> Vec<Case> {
    use Call::{Create, Get};
    let created = || answer(201, r#"{"id":9,"scheduled":3}"#);
    let found = || answer(200, r#"{"id":42,"title":"Hi","body":"Hello"}"#);
    let slow = |status, gap| Act::Slow {
        status,
        body: br#"{"id":42,"title":"slow"}"#.to_vec(),
        gap,
    };
    let secs = |status| answer_with(status, &[("Retry-After", "1")], "");
    // Whole seconds: "3" is at least two seconds away when the client reads it.
    let date = |status| Act::RetryAtDate { status, secs: 3 };
    let html = "<html><body>Bad Gateway</body></html>";
    let t3 = TIMEOUT * 3;
    let after = RETRY_AFTER_CAP;
    vec![
        // ---- POST: each fault is followed by a success, so a forbidden retry would show.
        Case {
            script: None,
            ..case("connection refused", Create, vec![], "connect", 0)
        },
        case(
            "reset mid-response",
            Create,
            vec![Act::Reset, created()],
            "transport",
            1,
        ),
        case(
            "accepts, never answers",
            Create,
            vec![Act::Silent, created()],
            "timeout",
            1,
        )
        .between(TIMEOUT, TIMEOUT + SLACK),
        case(
            "slow body past the timeout",
            Create,
            vec![slow(201, ms(100)), created()],
            "timeout",
            1,
        )
        .between(TIMEOUT, TIMEOUT + SLACK),
        case(
            "slow body within the timeout",
            Create,
            vec![slow(201, ms(2))],
            "ok",
            1,
        )
        .check(|r| r.as_deref().ok() == Some("42")),
        case(
            "429 Retry-After seconds, then 201",
            Create,
            vec![secs(429), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "503 Retry-After seconds, then 201",
            Create,
            vec![secs(503), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "429 Retry-After HTTP date, then 201",
            Create,
            vec![date(429), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "503 Retry-After HTTP date, then 201",
            Create,
            vec![date(503), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "429 every time",
            Create,
            vec![answer_with(429, &[("Retry-After", "0")], "")],
            "api 429",
            3,
        )
        .check(|r| r.as_ref().err().and_then(Error::retry_after) == Some(Duration::ZERO)),
        case(
            "503 Retry-After beyond the deadline",
            Create,
            vec![answer_with(503, &[("Retry-After", "120")], ""), created()],
            "api 503",
            1,
        )
        .policy(policy().max_retry_after(Duration::from_secs(600)))
        .check(|r| r.as_ref().err().and_then(Error::retry_after) == Some(Duration::from_secs(120))),
        case(
            "500",
            Create,
            vec![answer(500, r#"{"error":"Internal"}"#), created()],
            "api 500",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("Internal"))
        }),
        case(
            "502 (HTML body)",
            Create,
            vec![answer(502, html), created()],
            "api 502",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("Bad Gateway"))
        }),
        case(
            "504",
            Create,
            vec![answer(504, ""), created()],
            "api 504",
            1,
        ),
        case(
            "422 validation errors",
            Create,
            vec![answer(422, r#"{"errors":{"body":["can't be blank"]}}"#)],
            "api 422",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("body can't be blank"))
        }),
        case(
            "truncated body",
            Create,
            vec![Act::Truncated, created()],
            "transport",
            1,
        ),
        case(
            "non-JSON 201 body",
            Create,
            vec![answer(201, html)],
            "decode",
            1,
        ),
        case(
            "201 with an unexpected JSON shape",
            Create,
            vec![answer(201, r#"{"notification":{"id":9}}"#)],
            "decode",
            1,
        ),
        case(
            "201 with an id of the wrong type",
            Create,
            vec![answer(201, r#"{"id":"nine"}"#)],
            "decode",
            1,
        ),
        case(
            "200 where 201 is documented",
            Create,
            vec![answer(200, r#"{"id":9}"#)],
            "api 200",
            1,
        ),
        // ---- GET (idempotent): also retried on timeouts, broken connections and 500/502/504.
        Case {
            script: None,
            ..case("connection refused", Get, vec![], "connect", 0)
        },
        case("reset mid-response", Get, vec![Act::Reset], "transport", 3),
        case(
            "reset mid-response, then 200",
            Get,
            vec![Act::Reset, found()],
            "ok",
            2,
        ),
        case(
            "accepts, never answers",
            Get,
            vec![Act::Silent],
            "timeout",
            3,
        )
        .between(t3, t3 + SLACK),
        case(
            "never answers, deadline 500 ms",
            Get,
            vec![Act::Silent],
            "timeout",
            2,
        )
        .policy(policy().deadline(Some(ms(500))))
        .between(ms(500), ms(500) + SLACK),
        case(
            "slow body past the timeout",
            Get,
            vec![slow(200, ms(100))],
            "timeout",
            3,
        )
        .between(t3, t3 + SLACK),
        case(
            "429 Retry-After seconds, then 200",
            Get,
            vec![secs(429), found()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "503 Retry-After HTTP date, then 200",
            Get,
            vec![date(503), found()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "500, then 200",
            Get,
            vec![answer(500, ""), found()],
            "ok",
            2,
        ),
        case(
            "502, then 200",
            Get,
            vec![answer(502, html), found()],
            "ok",
            2,
        ),
        case(
            "504, then 200",
            Get,
            vec![answer(504, ""), found()],
            "ok",
            2,
        ),
        case("500 every time", Get, vec![answer(500, "")], "api 500", 3),
        case(
            "404",
            Get,
            vec![answer(404, r#"{"error":"Not Found"}"#), found()],
            "api 404",
            1,
        ),
        case("truncated body", Get, vec![Act::Truncated], "transport", 3),
        case(
            "truncated body, then 200",
            Get,
            vec![Act::Truncated, found()],
            "ok",
            2,
        ),
        // A body that does not decode is not retried: the server answered.
        case(
            "non-JSON 200 body",
            Get,
            vec![answer(200, html), found()],
            "decode",
            1,
        ),
        case(
            "200 with an unexpected JSON shape",
            Get,
            vec![answer(200, r#"{"notification":{"id":42}}"#), found()],
            "decode",
            1,
        ),
        case(
            "200 with a JSON array",
            Get,
            vec![answer(200, r#"[{"id":42}]"#), found()],
            "decode",
            1,
        ),
    ]
}

/// Starts the case's server and builds its client (building a client loads the TLS roots,
/// which takes a while: it is kept out of the timed part).
async fn prepare(case: &Case) -> (Option<Server>, Client) {
    let server = match &case.script {
        Some(script) => Some(Server::script(script.clone()).await),
        None => None,
    };
    let uri = server.as_ref().map_or_else(refused_uri, Server::uri);
    let client = client(&uri, case.policy.clone());
    (server, client)
}

async fn call(client: Client, call: Call) -> (Result<String, Error>, Duration) {
    let started = Instant::now();
    let result = match call {
        Call::Create => client
            .notifications()
            .create(&NewNotification::new("Hello").title("Hi"))
            .await
            .map(|r| r.id.to_string()),
        Call::Get => client
            .notifications()
            .get(42)
            .await
            .map(|n| n.id.to_string()),
    };
    (result, started.elapsed())
}

/// What `Error::is_retryable` advertises: transport-level failures, 429 and 5xx.
fn advertised_retryable(outcome: &str) -> bool {
    matches!(outcome, "connect" | "timeout" | "transport" | "api 429")
        || outcome.starts_with("api 5")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_gives_a_typed_outcome_within_the_time_bound() {
    let cases = cases();
    let mut servers = Vec::new();
    let mut calls = Vec::new();
    for case in &cases {
        let (server, client) = prepare(case).await;
        servers.push(server);
        calls.push(tokio::spawn(call(client, case.call)));
    }
    let mut results = Vec::new();
    for ((case, server), task) in cases.iter().zip(&servers).zip(calls) {
        let (result, elapsed) = task.await.unwrap();
        let row = Row {
            case: case.name,
            call: case.call,
            outcome: kind(&result),
            requests: server.as_ref().map_or(0, Server::requests),
            elapsed,
        };
        results.push((row, result));
    }
    let table: String = results
        .iter()
        .map(|(r, res)| {
            format!(
                "{:<40} {:?}\t{:<10} requests={} {:?} {:?}\n",
                r.case, r.call, r.outcome, r.requests, r.elapsed, res
            )
        })
        .collect();
    for (case, (row, result)) in cases.iter().zip(&results) {
        let at = format!("case {:?} ({:?})\n{table}", case.name, case.call);
        assert_eq!(row.outcome, case.want, "outcome, {at}");
        assert_eq!(row.requests, case.requests, "requests seen, {at}");
        assert!(
            row.elapsed >= case.min && row.elapsed <= case.max,
            "elapsed {:?} not in [{:?}, {:?}], {at}",
            row.elapsed,
            case.min,
            case.max
        );
        if let Some(check) = case.check {
            assert!(check(result), "extra check on {result:?}, {at}");
        }
        if let Err(e) = result {
            assert_eq!(
                e.is_retryable(),
                advertised_retryable(&row.outcome),
                "is_retryable, {at}"
            );
        }
    }
    assert_eq!(results.len(), 38, "{table}");
}

/// The notification body reaches the server intact on the retry after a 429.
#[tokio::test]
async fn retried_create_sends_the_same_body_and_auth() {
    let server = Server::script(vec![
        answer_with(429, &[("Retry-After", "0")], ""),
        answer(201, r#"{"id":9}"#),
    ])
    .await;
    let created = client(&server.uri(), policy())
        .notifications()
        .create(&NewNotification::new("Hello"))
        .await
        .unwrap();
    assert_eq!(created.id, 9);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
    for s in &seen {
        assert_eq!(s.method, "POST");
        assert_eq!(s.path, "/api/v1/projects/123/notifications");
        assert_eq!(
            s.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}
