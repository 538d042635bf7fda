//! Large audiences split into compliant requests with bounded concurrency.

use std::collections::HashSet;
use std::time::Duration;

use push_beams::{Client, Clock, Covered, RetryPolicy};
use push_test_support::mock::Timed;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, body_string_contains};
use wiremock::{MockServer, ResponseTemplate};

use crate::routes::{self, To, published};
use crate::wire::sample;
use crate::{INSTANCE, KEY, client};

/// Any body carrying [`sample`]'s payload, whatever its audience.
fn sample_payload() -> impl wiremock::Match {
    body_partial_json(json!({"web": {"notification": {"title": "Hello", "body": "Hello, world!"}}}))
}

/// A server where `requests` publishes to `to` are answered after `delay_ms` and timed, and a
/// client sending at most `concurrency` chunks at once.
async fn timed(
    to: To,
    delay_ms: u64,
    requests: u64,
    concurrency: usize,
) -> (MockServer, Timed, Client) {
    let server = MockServer::start().await;
    let answer =
        |n| ResponseTemplate::new(200).set_body_json(json!({"publishId": format!("p{n}")}));
    let timed = Timed::new(Duration::from_millis(delay_ms), answer);
    routes::publish(&server, to, sample_payload(), timed.clone(), requests).await;
    routes::unexpected(&server).await;
    let client = Client::builder(INSTANCE, KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .clock(Clock::fixed(0))
        .chunk_concurrency(concurrency)
        .build()
        .unwrap();
    (server, timed, client)
}

fn users(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user-{i}")).collect()
}

async fn bodies(server: &MockServer, key: &str) -> Vec<Vec<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(v["web"]["notification"]["title"], "Hello");
            serde_json::from_value(v[key].clone()).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn users_split_into_thousands_within_concurrency_bound() {
    let (server, rec, c) = timed(To::Users, 40, 11, 3).await;
    let all = users(10_500);
    let results = c.publish_to_users_chunked(&all, &sample()).await.unwrap();
    assert_eq!(results.len(), 11);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.index, i);
        assert_eq!(
            r.covered,
            Covered::range(i * 1000..(i * 1000 + 1000).min(10_500))
        );
        assert!(r.result.as_ref().unwrap().starts_with('p'));
    }
    let got = bodies(&server, "users").await;
    let mut sizes: Vec<usize> = got.iter().map(Vec::len).collect();
    sizes.sort();
    assert_eq!(
        sizes,
        [
            500, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000
        ]
    );
    let seen: HashSet<String> = got.into_iter().flatten().collect();
    assert_eq!(seen, all.into_iter().collect());
    let max = rec.most_in_flight(Duration::from_millis(35));
    assert!((1..=3).contains(&max), "max in flight {max}");
}

#[tokio::test]
async fn concurrency_one_is_sequential() {
    let (server, rec, c) = timed(To::Interests, 20, 4, 1).await;
    let interests: Vec<String> = (0..350).map(|i| format!("i-{i}")).collect();
    let results = c
        .publish_to_interests_chunked(&interests, &sample())
        .await
        .unwrap();
    assert_eq!(
        results.iter().map(|r| r.covered.len()).collect::<Vec<_>>(),
        [100, 100, 100, 50]
    );
    let got = bodies(&server, "interests").await;
    assert!(got.iter().all(|b| b.len() <= 100));
    assert_eq!(rec.most_in_flight(Duration::from_millis(18)), 1);
}

#[tokio::test]
async fn partial_failure_reported_per_chunk() {
    let server = MockServer::start().await;
    // Mounted first, so it answers the chunk holding user-1500 before the general route can.
    routes::publish(
        &server,
        To::Users,
        body_string_contains("\"user-1500\""),
        ResponseTemplate::new(500)
            .set_body_string(r#"{"error":"Internal server error","description":"boom"}"#),
        1,
    )
    .await;
    routes::publish(&server, To::Users, sample_payload(), published("ok"), 2).await;
    routes::unexpected(&server).await;
    let results = client(&server.uri())
        .publish_to_users_chunked(&users(2500), &sample())
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].result.as_deref().unwrap(), "ok");
    let failed = &results[1];
    assert_eq!(
        (failed.index, &failed.covered),
        (1, &Covered::range(1000..2000))
    );
    let ids = users(2500);
    let carried: Vec<&String> = failed.covered.pick(&ids).collect();
    assert_eq!((carried[0].as_str(), carried.len()), ("user-1000", 1000));
    let e = failed.result.as_ref().unwrap_err();
    assert_eq!(e.api().unwrap().message.as_deref(), Some("boom"));
    assert_eq!(results[2].covered, Covered::range(2000..2500));
    assert_eq!(results[2].result.as_deref().unwrap(), "ok");
}

#[tokio::test]
async fn one_bad_id_anywhere_sends_nothing() {
    let server = MockServer::start().await;
    routes::unexpected(&server).await;
    let mut all = users(5000);
    all[4321] = String::new();
    let e = client(&server.uri())
        .publish_to_users_chunked(&all, &sample())
        .await
        .unwrap_err();
    assert!(e.is_invalid_input());
    assert!(e.to_string().contains("users[4321]"), "{e}");
    all[4321] = "user-7".into();
    let e = client(&server.uri())
        .publish_to_users_chunked(&all, &sample())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("users[4321]"), "{e}");
}
