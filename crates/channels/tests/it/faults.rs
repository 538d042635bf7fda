//! Faults specific to Channels: which of its calls a failure repeats, and what its success
//! answers must hold. Each row states what the caller gets and how many requests reached the
//! server.
//!
//! The retry classification itself (timeouts, resets, `Retry-After` in both forms, the
//! deadline, each status) is push-core's, tested there once. Here: a trigger is a `POST`, so a
//! 500 is not repeated (Channels may have delivered the event), while a channel query is a
//! `GET` and is; a trigger answered 200 must carry a JSON object, and a channel query's answer
//! must say whether the channel is occupied.

use std::time::Duration;

use push_channels::{Client, Error, RetryPolicy};
use push_test_support::fault_client;
use push_test_support::fault_server::Act;
use push_test_support::faults::{FaultCase, Server, answer, answer_with, case, policy, run_table};

use crate::common::*;

fn client(url: &str, policy: RetryPolicy) -> Client {
    fault_client!(Client::builder(APP_ID, KEY, SECRET).base_url(url), policy)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `trigger`: a POST, never repeated once it may have been processed.
    Trigger,
    /// `channel_info`: an idempotent GET.
    Query,
}

type Case = FaultCase<Call>;

fn cases() -> Vec<Case> {
    use Call::{Query, Trigger};
    let ok_trigger = || answer(200, "{}");
    let ok_query = || answer(200, r#"{"occupied":true}"#);
    let server_error = || answer(500, "Internal Server Error");
    vec![
        // ---- A trigger: a 500 may follow a delivery, so it is reported, not repeated (the
        // success behind it would show as a second request).
        case(
            "500 with Channels' text body",
            Trigger,
            vec![server_error(), ok_trigger()],
            "api 500",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .and_then(Error::api)
                .and_then(|api| api.message.as_deref())
                .is_some_and(|m| m.contains("Internal Server Error"))
        }),
        case(
            "200 with Channels' answer",
            Trigger,
            vec![ok_trigger()],
            "ok",
            1,
        ),
        case(
            "non-JSON 200 body",
            Trigger,
            vec![answer(200, "<html><body>Bad Gateway</body></html>")],
            "decode",
            1,
        ),
        // ---- A channel query: repeating it is harmless, so a 500 is retried.
        case(
            "500, then 200",
            Query,
            vec![server_error(), ok_query()],
            "ok",
            2,
        )
        .check(|r| r.as_deref().ok() == Some("occupied")),
        case("500 every time", Query, vec![server_error()], "api 500", 3),
        // ---- Its answer is read, never invented: `occupied` is required.
        case(
            "200 without occupied",
            Query,
            vec![answer(200, r#"{"subscription_count":1}"#)],
            "decode",
            1,
        ),
        case(
            "200 with occupied of the wrong type",
            Query,
            vec![answer(200, r#"{"occupied":"yes"}"#)],
            "decode",
            1,
        ),
        case(
            "non-JSON 200 body",
            Query,
            vec![answer(200, "<html><body>Bad Gateway</body></html>")],
            "decode",
            1,
        ),
    ]
}

async fn call(client: Client, call: Call) -> Result<String, Error> {
    match call {
        Call::Trigger => client.trigger("c", "e", "d").await.map(|_| String::new()),
        Call::Query => client
            .channel_info("c", &[])
            .await
            .map(|info| if info.occupied { "occupied" } else { "vacant" }.to_owned()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_channels_fault_gives_the_stated_outcome() {
    run_table(cases(), 8, client, call).await;
}

/// A trigger answered 503 with `Retry-After` (not processed) is sent again, and the second
/// request is the first one byte for byte: the same path, signed query and body.
#[tokio::test]
async fn a_retried_trigger_is_the_same_signed_request() {
    let server = Server::script(vec![
        answer_with(503, &[("Retry-After", "0")], ""),
        answer(200, "{}"),
    ])
    .await;
    client(&server.uri(), policy())
        .trigger("c", "e", "d")
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (
            &seen[0].method,
            &seen[0].path,
            &seen[0].query,
            &seen[0].body
        ),
        (
            &seen[1].method,
            &seen[1].path,
            &seen[1].query,
            &seen[1].body
        )
    );
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", "/apps/123456/events")
    );
    assert_signed(
        &seen[1].method,
        &seen[1].path,
        &seen[1].query,
        &seen[1].body,
        SECRET,
    );
}

#[tokio::test]
async fn two_hundred_fifty_six_tasks_share_one_client_and_its_connections() {
    let server = Server::start(|_, seen| {
        // The server checks every signature itself (see common::assert_signed).
        let ok = std::panic::catch_unwind(|| {
            assert_signed(&seen.method, &seen.path, &seen.query, &seen.body, SECRET);
        })
        .is_ok();
        if ok {
            Act::answer(200, "{}")
        } else {
            Act::answer(401, "Invalid signature")
        }
    })
    .await;
    // Generous timeouts: this checks correctness under concurrency, not speed.
    let client = Client::builder(APP_ID, KEY, SECRET)
        .base_url(server.uri())
        .timeout(Duration::from_secs(20))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    // 256 concurrent tasks, each sending 4 triggers one after the other: HTTP/1.1 needs a
    // connection per request in flight, so up to 256 are opened, and later requests reuse them.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..256 {
        let client = client.clone();
        tasks.spawn(async move {
            for round in 0..4 {
                let data = serde_json::json!({ "task": i, "round": round });
                client
                    .trigger(format!("channel-{i}"), "event", &data)
                    .await?;
            }
            Ok::<_, push_channels::Error>(())
        });
    }
    let mut ok = 0;
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
        ok += 1;
    }
    assert_eq!(ok, 256);
    assert_eq!(server.requests(), 1024);
    // Every body is distinct: each request was built and signed for its own task.
    let mut bodies: Vec<Vec<u8>> = server.seen().into_iter().map(|s| s.body).collect();
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 1024);
    let connections = server.connections();
    // Measured here: about 400 (a connection is sometimes checked out again before hyper has
    // returned it to the pool, so a few more than 256 are opened). Reuse is what is asserted.
    assert!(
        connections <= 640,
        "{connections} connections for 1024 requests"
    );
    eprintln!("256 tasks, 1024 triggers, {connections} connection(s)");
}
