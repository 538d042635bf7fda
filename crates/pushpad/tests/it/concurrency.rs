//! One client shared by 256 concurrent tasks: every request reaches the server authenticated
//! and with its own body, and the connection pool is reused.

use std::collections::HashSet;
use std::sync::Arc;

use push_pushpad::{Client, NewNotification, RetryPolicy};
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::common::TOKEN;
use crate::faults::{Server, answer};

const TASKS: usize = 256;

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

/// `TASKS` tasks creating notifications at once through clones of `client`, each with its own
/// body; with `limit`, at most that many calls are in flight.
async fn wave(client: &Client, wave: usize, limit: Option<usize>) -> HashSet<u64> {
    let permits = Arc::new(Semaphore::new(limit.unwrap_or(TASKS)));
    let tasks: Vec<_> = (0..TASKS)
        .map(|i| {
            let client = client.clone();
            let permits = Arc::clone(&permits);
            tokio::spawn(async move {
                let _permit = permits.acquire().await.unwrap();
                let n = NewNotification::new(format!("task-{wave}-{i}")).title("Hi");
                client.notifications().create(&n).await.map(|r| r.id)
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().unwrap());
    }
    ids
}

/// Checks that every answer was a success with its own id and that the server saw each
/// task's body exactly once.
fn check_wave(server: &Server, ids: &HashSet<u64>, wave: usize) {
    assert_eq!(ids.len(), TASKS, "wave {wave}: every task got its own id");
    let bodies: HashSet<String> = server
        .seen()
        .iter()
        .filter_map(|s| {
            let v: Value = serde_json::from_slice(&s.body).unwrap();
            let body = v["body"].as_str().unwrap().to_owned();
            body.starts_with(&format!("task-{wave}-")).then_some(body)
        })
        .collect();
    assert_eq!(
        bodies.len(),
        TASKS,
        "wave {wave}: each task's body arrived once"
    );
}

/// 256 tasks share one client (clones share the pool); the application keeps at most 32 calls
/// in flight. Every request is checked by the server (method, path, bearer token, body) and
/// HTTP/1.1 connections are reused: about 32 are opened for 256 requests. Then 256 calls at
/// once with no limit: HTTP/1.1 needs one connection per request in flight, yet the idle ones
/// are picked up, so fewer than 256 new connections are opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_shared_by_256_tasks() {
    let server = checking_server().await;
    let client = Client::builder(TOKEN)
        .project_id(123)
        .base_url(format!("{}/api/v1", server.uri()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let ids = wave(&client, 1, Some(32)).await;
    check_wave(&server, &ids, 1);
    assert_eq!(server.requests(), TASKS);
    let bounded = server.connections();
    assert!(
        bounded <= 64,
        "{bounded} connections for {TASKS} requests, 32 in flight"
    );

    let ids = wave(&client, 2, None).await;
    check_wave(&server, &ids, 2);
    assert_eq!(server.requests(), 2 * TASKS);
    let burst = server.connections() - bounded;
    assert!(
        burst < TASKS,
        "{burst} new connections for {TASKS} requests at once"
    );
}
