//! One client shared by 256 concurrent tasks: every request reaches the server authenticated
//! and with its own body, and the connection pool is reused.

use push_pushpad::{NewNotification, RetryPolicy};
use push_test_support::concurrency::one_client_shared_by_many_tasks;
use serde_json::Value;

use crate::common::{TOKEN, client_at};
use crate::faults::{Seen, Server, answer};

/// A server that answers 201 only to a correctly authenticated, well-formed create.
async fn checking_server() -> Server {
    let auth = format!("Bearer {TOKEN}");
    Server::start(move |n, seen| {
        let body: Value = serde_json::from_slice(&seen.body).unwrap_or(Value::Null);
        let good = seen.method == "POST"
            && seen.path == "/api/v1/projects/123/notifications"
            && seen.header("authorization") == Some(auth.as_str())
            && body["title"] == "Hi"
            && body["body"]
                .as_str()
                .is_some_and(|b| b.starts_with("task-"));
        if good {
            answer(201, &format!(r#"{{"id":{}}}"#, n + 1))
        } else {
            answer(401, r#"{"error":"Unauthorized"}"#)
        }
    })
    .await
}

/// 256 tasks share one client (clones share the pool), each creating a notification with its
/// own body; the application keeps at most 32 calls in flight. Every request is checked by the
/// server (method, path, bearer token, body) and HTTP/1.1 connections are reused: about 32 are
/// opened for 256 requests. Then 256 calls at once with no limit: HTTP/1.1 needs one
/// connection per request in flight, yet the idle ones are picked up, so fewer than 256 new
/// connections are opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_shared_by_256_tasks() {
    let server = checking_server().await;
    let client = client_at(&server.uri(), RetryPolicy::none());
    let create = |tag: String| {
        let client = client.clone();
        async move {
            let n = NewNotification::new(format!("task-{tag}")).title("Hi");
            client.notifications().create(&n).await.map(|r| r.id)
        }
    };
    let body_tag = |seen: &Seen| {
        let body: Value = serde_json::from_slice(&seen.body).ok()?;
        Some(body["body"].as_str()?.strip_prefix("task-")?.to_owned())
    };
    one_client_shared_by_many_tasks(&server, create, body_tag).await;
}
