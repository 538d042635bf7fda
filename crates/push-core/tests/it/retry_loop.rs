//! The retry loop end to end: what is retried, how often, and how long it waits.

use std::time::{Duration, Instant};

use push_core::{Error, Request, RetryPolicy, Transport};
use wiremock::ResponseTemplate;

use crate::raw_server::{Behaviour, RawServer, refused_url};
use push_test_support::mock::answering;

use crate::{RecordingSleeper, fast_policy, post};

/// A transport to `url` retrying as `policy` says, and the sleeper that records its waits.
fn transport(url: &str, policy: RetryPolicy) -> (Transport, RecordingSleeper) {
    let sleeper = RecordingSleeper::default();
    let t = Transport::builder(url)
        .retry_policy(policy)
        .sleeper(sleeper.sleeper())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    (t, sleeper)
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

fn retry_after(code: u16, value: &str) -> ResponseTemplate {
    status(code).insert_header("Retry-After", value)
}

#[tokio::test]
async fn two_503_with_retry_after_then_200_is_three_requests_and_success() {
    let ok = status(200).set_body_string("{}");
    let server = answering("POST", vec![(retry_after(503, "2"), 2), (ok, 1)]).await;
    let (t, sleeper) = transport(&server.uri(), fast_policy(5));
    let resp = t.send(post("/events")).await.unwrap();
    assert_eq!(resp.status(), 200);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|r| r.url.path() == "/events"));
    // Retry-After was honoured, not the 1 ms backoff.
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn post_answered_500_is_sent_once_and_is_an_api_error() {
    let answer = status(500).set_body_string("Internal Server Error");
    let server = answering("POST", vec![(answer, 1)]).await;
    let (t, sleeper) = transport(&server.uri(), fast_policy(5));
    let err = t.send(post("/events")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        err.api().unwrap().message.as_deref(),
        Some("Internal Server Error")
    );
    assert!(sleeper.delays().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn get_answered_500_is_retried_until_attempts_run_out() {
    let server = answering("GET", vec![(status(500), 3)]).await;
    let (t, sleeper) = transport(&server.uri(), fast_policy(3));
    let err = t.send(Request::get("/channels")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable());
    // Exponential backoff between the three attempts: 1 ms then 2 ms.
    assert_eq!(
        sleeper.delays(),
        vec![Duration::from_millis(1), Duration::from_millis(2)]
    );
}

#[tokio::test]
async fn get_502_then_success_recovers() {
    let ok = status(200).set_body_string(r#"{"ok":1}"#);
    let server = answering("GET", vec![(status(502), 1), (ok, 1)]).await;
    let (t, _) = transport(&server.uri(), fast_policy(3));
    let resp = t.send(Request::get("/x")).await.unwrap();
    assert_eq!(resp.body(), br#"{"ok":1}"#);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for code in [400u16, 401, 403, 404, 413, 422] {
        let server = answering("GET", vec![(status(code).set_body_string("nope"), 1)]).await;
        let (t, _) = transport(&server.uri(), fast_policy(4));
        let err = t.send(Request::get("/x")).await.unwrap_err();
        assert_eq!(err.status(), Some(code));
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(20));
    let server = answering("POST", vec![(retry_after(429, &when), 1), (status(200), 1)]).await;
    let (t, sleeper) = transport(&server.uri(), fast_policy(3));
    t.send(post("/p")).await.unwrap();
    let delays = sleeper.delays();
    assert_eq!(delays.len(), 1);
    // Whole seconds in the header: between 18 and 20 s from now.
    assert!(
        delays[0] >= Duration::from_secs(18) && delays[0] <= Duration::from_secs(20),
        "{delays:?}"
    );
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = answering(
        "GET",
        vec![(retry_after(503, "86400"), 1), (status(200), 1)],
    )
    .await;
    let policy = fast_policy(2)
        .max_retry_after(Duration::from_secs(7))
        .deadline(None);
    let (t, sleeper) = transport(&server.uri(), policy);
    t.send(Request::get("/x")).await.unwrap();
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn rate_limited_after_retries_is_distinguishable() {
    let answer = retry_after(429, "1").set_body_string("slow down");
    let server = answering("POST", vec![(answer, 2)]).await;
    let (t, _) = transport(&server.uri(), fast_policy(2));
    let err = t.send(post("/p")).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn no_retry_starts_past_the_deadline() {
    let server = answering("GET", vec![(retry_after(503, "20"), 1)]).await;
    let policy = fast_policy(10).deadline(Some(Duration::from_secs(10)));
    let (t, sleeper) = transport(&server.uri(), policy);
    let err = t.send(Request::get("/x")).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    // A 20 s wait would end after the 10 s deadline: one request, no sleep.
    assert!(sleeper.delays().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_a_connect_error() {
    let url = refused_url();
    // Refused connections are safe to retry even for POST: nothing was sent.
    let (t, sleeper) = transport(&url, fast_policy(3));
    let err = t.send(post("/events")).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(sleeper.delays().len(), 2, "three attempts, two waits");
}

/// A transport to a silent raw server with a short per-attempt `timeout`.
async fn silent(timeout: Duration, policy: RetryPolicy) -> (RawServer, Transport) {
    let server = RawServer::start(Behaviour::Silent).await;
    let t = Transport::builder(&server.url)
        .timeout(timeout)
        .retry_policy(policy)
        .sleeper(RecordingSleeper::default().sleeper())
        .build()
        .unwrap();
    (server, t)
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_close_to_the_timeout() {
    let (server, t) = silent(Duration::from_millis(300), RetryPolicy::none()).await;
    let started = Instant::now();
    let err = t.send(post("/events")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
    // Generous upper bound: the machine may be busy, but not by seconds.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_timed_out_post_is_not_retried_but_a_get_is() {
    let (server, t) = silent(Duration::from_millis(100), fast_policy(3)).await;
    let err = t.send(post("/events")).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(
        server.connections(),
        1,
        "a POST that may have landed is not repeated"
    );

    let err = t.send(Request::get("/channels")).await.unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(server.connections(), 4, "the GET was tried three times");
}

#[tokio::test]
async fn a_connection_reset_mid_response_is_not_retried_for_post() {
    let server = RawServer::start(Behaviour::ResetMidResponse).await;
    let (t, _) = transport(&server.url, fast_policy(3));
    let err = t.send(post("/events")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.connections(), 1);

    let err = t.send(Request::delete("/users/1")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.connections(), 4);
}

#[tokio::test]
async fn the_overall_deadline_bounds_a_slow_idempotent_call() {
    let server = RawServer::start(Behaviour::Silent).await;
    let t = Transport::builder(&server.url)
        .timeout(Duration::from_secs(10))
        .retry_policy(fast_policy(50).deadline(Some(Duration::from_millis(400))))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = t.send(Request::get("/slow")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A server from push-test-support's fault script, and a transport to it with a 300 ms
/// per-attempt timeout.
async fn scripted(
    script: Vec<push_test_support::fault_server::Act>,
) -> (push_test_support::faults::Server, Transport) {
    let server = push_test_support::faults::Server::script(script).await;
    let t = Transport::builder(server.uri())
        .timeout(Duration::from_millis(300))
        .retry_policy(fast_policy(3))
        .sleeper(RecordingSleeper::default().sleeper())
        .build()
        .unwrap();
    (server, t)
}

#[tokio::test]
async fn a_truncated_answer_is_not_retried_for_post_but_is_for_get() {
    use push_test_support::fault_server::Act;
    let truncated = || Act::Truncated {
        body: b"{\"chan".to_vec(),
    };
    let (server, t) = scripted(vec![truncated(), Act::answer(200, "{}")]).await;
    let err = t.send(post("/events")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        server.requests(),
        1,
        "a POST that may have landed is not repeated"
    );

    let (server, t) = scripted(vec![truncated(), Act::answer(200, "{}")]).await;
    let answer = t.send(Request::get("/channels/c")).await.unwrap();
    assert_eq!(answer.body(), b"{}");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_body_slower_than_the_timeout_times_out() {
    use push_test_support::fault_server::Act;
    // The head arrives at once; the body, a byte every 60 ms, would take about a second.
    let slow = || Act::Slow {
        status: 200,
        body: b"{\"occupied\":true}".to_vec(),
        gap: Duration::from_millis(60),
    };
    let (server, t) = scripted(vec![slow()]).await;
    let started = Instant::now();
    let err = t.send(post("/events")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let (server, t) = scripted(vec![slow()]).await;
    let err = t.send(Request::get("/channels/c")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests(), 3, "the GET was tried three times");
}
