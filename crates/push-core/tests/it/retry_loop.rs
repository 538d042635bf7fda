//! The retry loop end to end: what is retried, how often, and how long it waits.

use std::time::{Duration, Instant};

use push_core::{Error, Request, RetryPolicy, Transport};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::raw_server::{Behaviour, RawServer, refused_url};
use crate::{RecordingSleeper, fast_policy};

fn transport(url: &str, policy: RetryPolicy, sleeper: &RecordingSleeper) -> Transport {
    Transport::builder(url)
        .retry_policy(policy)
        .sleeper(sleeper.sleeper())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn two_503_with_retry_after_then_200_is_three_requests_and_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "2"))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;

    let sleeper = RecordingSleeper::default();
    let t = transport(&server.uri(), fast_policy(5), &sleeper);
    let resp = t
        .send(Request::post("/events").json_body("{}"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // Retry-After was honoured, not the 1 ms backoff.
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn post_answered_500_is_sent_once_and_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("Internal Server Error"))
        .expect(1)
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let t = transport(&server.uri(), fast_policy(5), &sleeper);
    let err = t
        .send(Request::post("/events").json_body("{}"))
        .await
        .unwrap_err();
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
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let t = transport(&server.uri(), fast_policy(3), &sleeper);
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
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ok":1}"#))
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let t = transport(&server.uri(), fast_policy(3), &sleeper);
    let resp = t.send(Request::get("/x")).await.unwrap();
    assert_eq!(resp.body(), br#"{"ok":1}"#);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400u16, 401, 403, 404, 413, 422] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_string("nope"))
            .expect(1)
            .mount(&server)
            .await;
        let sleeper = RecordingSleeper::default();
        let t = transport(&server.uri(), fast_policy(4), &sleeper);
        let err = t.send(Request::get("/x")).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    let server = MockServer::start().await;
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(20));
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", when.as_str()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let t = transport(&server.uri(), fast_policy(3), &sleeper);
    t.send(Request::post("/p").json_body("{}")).await.unwrap();
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
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "86400"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let policy = fast_policy(2)
        .max_retry_after(Duration::from_secs(7))
        .deadline(None);
    let t = transport(&server.uri(), policy, &sleeper);
    t.send(Request::get("/x")).await.unwrap();
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn rate_limited_after_retries_is_distinguishable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_string("slow down"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let t = transport(&server.uri(), fast_policy(2), &sleeper);
    let err = t
        .send(Request::post("/p").json_body("{}"))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn no_retry_starts_past_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "20"))
        .mount(&server)
        .await;
    let sleeper = RecordingSleeper::default();
    let policy = fast_policy(10).deadline(Some(Duration::from_secs(10)));
    let t = transport(&server.uri(), policy, &sleeper);
    let err = t.send(Request::get("/x")).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    // A 20 s wait would end after the 10 s deadline: one request, no sleep.
    assert!(sleeper.delays().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_a_connect_error() {
    let url = refused_url();
    let sleeper = RecordingSleeper::default();
    // Refused connections are safe to retry even for POST: nothing was sent.
    let t = transport(&url, fast_policy(3), &sleeper);
    let err = t
        .send(Request::post("/events").json_body("{}"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(sleeper.delays().len(), 2, "three attempts, two waits");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_close_to_the_timeout() {
    let server = RawServer::start(Behaviour::Silent).await;
    let sleeper = RecordingSleeper::default();
    let t = Transport::builder(&server.url)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .sleeper(sleeper.sleeper())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = t
        .send(Request::post("/events").json_body("{}"))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
    // Generous upper bound: the machine may be busy, but not by seconds.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_timed_out_post_is_not_retried_but_a_get_is() {
    let server = RawServer::start(Behaviour::Silent).await;
    let sleeper = RecordingSleeper::default();
    let t = Transport::builder(&server.url)
        .timeout(Duration::from_millis(100))
        .retry_policy(fast_policy(3))
        .sleeper(sleeper.sleeper())
        .build()
        .unwrap();
    let err = t
        .send(Request::post("/events").json_body("{}"))
        .await
        .unwrap_err();
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
    let sleeper = RecordingSleeper::default();
    let t = transport(&server.url, fast_policy(3), &sleeper);
    let err = t
        .send(Request::post("/events").json_body("{}"))
        .await
        .unwrap_err();
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
