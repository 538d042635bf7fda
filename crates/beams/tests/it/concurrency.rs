//! One client shared by 256 concurrent tasks: every request reaches the server authenticated
//! and with its own body, and the connection pool is reused.

use push_beams::{Client, RetryPolicy};
use push_test_support::concurrency::one_client_shared_by_many_tasks;
use push_test_support::fault_server::Seen;
use serde_json::Value;

use crate::faults::{Server, answer};
use crate::wire::sample;
use crate::{INSTANCE, KEY};

/// A server that answers 200 only to a correctly authenticated, well-formed publish.
async fn checking_server() -> Server {
    let auth = format!("Bearer {KEY}");
    let path = format!("/publish_api/v1/instances/{INSTANCE}/publishes/interests");
    Server::start(move |n, seen| {
        let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
        let good = seen.method == "POST"
            && seen.path == path
            && seen.header("authorization") == Some(auth.as_str())
            && body["web"]["notification"]["title"] == "Hello"
            && body["interests"].as_array().is_some_and(|a| a.len() == 1);
        if good {
            answer(200, &format!(r#"{{"publishId":"pubid-{n}"}}"#))
        } else {
            answer(
                401,
                r#"{"error":"Unauthorized","description":"bad request"}"#,
            )
        }
    })
    .await
}

/// 256 tasks share one client (clones share the pool), each publishing to its own interest;
/// the application keeps at most 32 calls in flight. Every request is checked by the server
/// (method, path, bearer key, body) and HTTP/1.1 connections are reused: about 32 are opened
/// for 256 requests. Then 256 calls at once with no limit: HTTP/1.1 needs one connection per
/// request in flight, yet the idle ones are picked up, so fewer than 256 new connections are
/// opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_shared_by_256_tasks() {
    let server = checking_server().await;
    let client = Client::builder(INSTANCE, KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let publish = |tag: String| {
        let client = client.clone();
        async move {
            let interest = format!("interest-{tag}");
            client.publish_to_interests(&[interest], &sample()).await
        }
    };
    let interest_tag = |seen: &Seen| {
        let body: Value = serde_json::from_slice(&seen.body).ok()?;
        let tag = body["interests"][0].as_str()?.strip_prefix("interest-")?;
        Some(tag.to_owned())
    };
    one_client_shared_by_many_tasks(&server, publish, interest_tag).await;
}
