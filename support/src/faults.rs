//! A fault table: each case names a misbehaving server script, the call made against it, and
//! what must come of it (outcome, requests the server saw, time taken). The providers' suites
//! list their cases; [`run_table`] runs them all at once and reports every mismatch with the
//! whole table.

// A test harness: failing loudly is its job.
#![allow(clippy::expect_used, clippy::panic)]

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

use crate::fault_server::{Act, FaultServer, Seen, refused_url};
use push_core::{Error, RetryPolicy};

/// Per-attempt (and connect) timeout the fault suites give their clients.
pub const TIMEOUT: Duration = Duration::from_millis(300);
/// Overall deadline of [`policy`].
pub const DEADLINE: Duration = Duration::from_secs(2);
/// `Retry-After` is honoured up to this, so a server asking for seconds costs a suite 100 ms.
pub const RETRY_AFTER_CAP: Duration = Duration::from_millis(100);
/// Scheduling allowance on a loaded machine.
pub const SLACK: Duration = Duration::from_millis(400);

/// `n` milliseconds.
pub const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The fault suites' retry policy: 3 attempts, 1–5 ms backoff without jitter, the [`DEADLINE`],
/// `Retry-After` capped at [`RETRY_AFTER_CAP`].
pub fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_backoff(ms(1))
        .max_backoff(ms(5))
        .jitter(0.0)
        .deadline(Some(DEADLINE))
        .max_retry_after(RETRY_AFTER_CAP)
}

/// Finishes a provider's client builder as every fault suite does: [`TIMEOUT`] per attempt and
/// to connect, `$policy` for retries, then builds it (panicking on a builder error).
#[macro_export]
macro_rules! fault_client {
    ($builder:expr, $policy:expr $(,)?) => {
        $builder
            .timeout($crate::faults::TIMEOUT)
            .connect_timeout($crate::faults::TIMEOUT)
            .retry_policy($policy)
            .build()
            .unwrap_or_else(|e| panic!("a fault-suite client: {e}"))
    };
}

/// [`FaultServer`] for tests: starting it cannot fail quietly (it panics).
#[derive(Debug)]
pub struct Server(FaultServer);

impl Server {
    /// Answers request `n` (counted from 0) with `script[n]`; the last entry repeats.
    pub async fn script(script: Vec<Act>) -> Self {
        Self(FaultServer::script(script).await.expect("a fault server"))
    }

    /// Answers each request with whatever `respond(n, request)` says.
    pub async fn start(respond: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static) -> Self {
        Self(FaultServer::start(respond).await.expect("a fault server"))
    }

    /// `http://127.0.0.1:{port}`.
    pub fn uri(&self) -> String {
        self.0.url()
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.0.requests()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.0.connections()
    }

    /// Every request read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.0.seen()
    }
}

/// An answer with a text body.
pub fn answer(status: u16, body: &str) -> Act {
    Act::answer(status, body)
}

/// An answer with extra headers and a text body.
pub fn answer_with(status: u16, headers: &[(&str, &str)], body: &str) -> Act {
    Act::answer_with(status, headers, body)
}

/// An extra assertion on a call's result.
pub type Check = fn(&Result<String, Error>) -> bool;

/// One row of a fault table.
#[derive(Debug)]
pub struct FaultCase<C> {
    /// What the case is called in reports.
    pub name: &'static str,
    /// Which call is made.
    pub call: C,
    /// The server's script; `None`: nothing listens (connection refused).
    pub script: Option<Vec<Act>>,
    /// The client's retry policy.
    pub policy: RetryPolicy,
    /// The expected outcome word (see [`outcome`]).
    pub want: &'static str,
    /// Requests the server must have read.
    pub requests: usize,
    /// The call must take at least this long...
    pub min: Duration,
    /// ... and at most this long.
    pub max: Duration,
    /// An extra check on the result.
    pub check: Option<Check>,
}

impl<C> FaultCase<C> {
    /// A case with a script, the given policy, and no time floor up to `max`.
    pub fn new(
        name: &'static str,
        call: C,
        script: Vec<Act>,
        want: &'static str,
        requests: usize,
        policy: RetryPolicy,
        max: Duration,
    ) -> Self {
        Self {
            name,
            call,
            script: Some(script),
            policy,
            want,
            requests,
            min: Duration::ZERO,
            max,
            check: None,
        }
    }

    /// The call must take between `min` and `max`.
    pub fn between(mut self, min: Duration, max: Duration) -> Self {
        self.min = min;
        self.max = max;
        self
    }

    /// Another retry policy.
    pub fn policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// An extra check on the result.
    pub fn check(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }

    /// Nothing listens: the connection is refused.
    pub fn refused(mut self) -> Self {
        self.script = None;
        self
    }
}

/// A case with the suites' [`policy`], answered within [`SLACK`].
pub fn case<C>(
    name: &'static str,
    call: C,
    script: Vec<Act>,
    want: &'static str,
    requests: usize,
) -> FaultCase<C> {
    FaultCase::new(name, call, script, want, requests, policy(), SLACK)
}

/// Serves `script` (a retryable failure, then a success), makes `call` against the server's
/// URL, and checks that the call, retried once, sent the same request twice: both `method` to
/// `path` with the same body and `authorization` as their `Authorization` header. Gives what
/// the call returned.
///
/// # Panics
/// When the call fails or the server did not see exactly two such requests.
pub async fn resent_unchanged<T, Fut>(
    script: Vec<Act>,
    call: impl FnOnce(String) -> Fut,
    method: &str,
    path: &str,
    authorization: &str,
) -> T
where
    Fut: Future<Output = Result<T, Error>>,
{
    let server = Server::script(script).await;
    let got = call(server.uri()).await.expect("the retried call");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
    for s in &seen {
        assert_eq!(s.method, method);
        assert_eq!(s.path, path);
        assert_eq!(s.header("authorization"), Some(authorization));
    }
    got
}

/// The outcome of a call as one word: `ok`, `api 503`, `connect`, `timeout`, `transport`,
/// `decode`, or `other: ...`.
pub fn outcome<T>(result: &Result<T, Error>) -> String {
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

/// What `Error::is_retryable` must advertise for an outcome: transport-level failures, 429
/// and 5xx.
pub fn advertised_retryable(outcome: &str) -> bool {
    matches!(outcome, "connect" | "timeout" | "transport" | "api 429")
        || outcome.starts_with("api 5")
}

/// Runs every case concurrently (each against its own server) and panics with the whole
/// table if any outcome, request count, duration, extra check or `is_retryable` is not as
/// stated. Clients are built before the clock starts (building one loads TLS roots).
///
/// `rows` is how many cases the table must hold: a row lost while editing fails the test.
///
/// # Panics
/// On any mismatch, and if a server cannot be started.
pub async fn run_table<C, Cl, Fut>(
    cases: Vec<FaultCase<C>>,
    rows: usize,
    client: impl Fn(&str, RetryPolicy) -> Cl,
    call: impl Fn(Cl, C) -> Fut,
) where
    C: Copy + Debug,
    Fut: Future<Output = Result<String, Error>> + Send + 'static,
{
    assert_eq!(cases.len(), rows, "rows in the fault table");
    let mut servers = Vec::new();
    let mut tasks = Vec::new();
    for case in &cases {
        let server = match &case.script {
            Some(script) => Some(
                FaultServer::script(script.clone())
                    .await
                    .expect("a fault server"),
            ),
            None => None,
        };
        let url = match &server {
            Some(server) => server.url(),
            None => refused_url().expect("a refused port"),
        };
        let fut = call(client(&url, case.policy.clone()), case.call);
        servers.push(server);
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let result = fut.await;
            (result, started.elapsed())
        }));
    }
    let mut rows = Vec::new();
    for (server, task) in servers.iter().zip(tasks) {
        let (result, elapsed) = task.await.expect("a fault-table task");
        let requests = server.as_ref().map_or(0, FaultServer::requests);
        rows.push((outcome(&result), requests, elapsed, result));
    }
    let table: String = cases
        .iter()
        .zip(&rows)
        .map(|(case, (word, requests, elapsed, result))| {
            format!(
                "{:<40} {:?}\t{word:<10} requests={requests} {elapsed:?} {result:?}\n",
                case.name, case.call
            )
        })
        .collect();
    for (case, (word, requests, elapsed, result)) in cases.iter().zip(&rows) {
        let at = format!("case {:?} ({:?})\n{table}", case.name, case.call);
        assert_eq!(word, case.want, "outcome, {at}");
        assert_eq!(*requests, case.requests, "requests seen, {at}");
        assert!(
            *elapsed >= case.min && *elapsed <= case.max,
            "elapsed {elapsed:?} not in [{:?}, {:?}], {at}",
            case.min,
            case.max
        );
        if let Some(check) = case.check {
            assert!(check(result), "extra check on {result:?}, {at}");
        }
        if let Err(e) = result {
            assert_eq!(
                e.is_retryable(),
                advertised_retryable(word),
                "is_retryable, {at}"
            );
        }
    }
}
