//! The sandbox plumbing: raw requests reach the handler, faults are injected in order.

use std::time::Duration;

use push_core::sandbox::{Fault, Recorder, SandboxRequest, SandboxResponse, SandboxServer};
use push_core::{Request, RetryPolicy, Transport};

use crate::RecordingSleeper;

/// What the test handler keeps of each request: method, path, query, body, `X-Test`.
type Seen = (String, String, String, Vec<u8>, Option<String>);

#[tokio::test]
async fn handler_sees_the_raw_request_and_faults_come_first() {
    let seen: Recorder<Seen> = Recorder::default();
    let log = seen.clone();
    let server = SandboxServer::start(move |req: SandboxRequest| {
        log.push((
            req.method.clone(),
            req.path.clone(),
            req.query.clone(),
            req.body.to_vec(),
            req.header("X-Test").map(str::to_owned),
        ));
        SandboxResponse::json(200, &serde_json::json!({"segments": req.path_segments()}))
    })
    .await
    .unwrap();
    assert!(server.url().starts_with("http://127.0.0.1:"));

    server.fail_next(2, Fault::status(503).retry_after(Duration::from_secs(1)));
    let sleeper = RecordingSleeper::default();
    let t = Transport::builder(server.url())
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .sleeper(sleeper.sleeper())
        .build()
        .unwrap();
    let resp = t
        .send(
            Request::post("/apps/1/users/a%2Fb?x=1%202&auth_signature=s")
                .json_body(r#"{"k":"é"}"#)
                .header("X-Test", "yes"),
        )
        .await
        .unwrap();
    let v: serde_json::Value = resp.json().unwrap();
    assert_eq!(
        v["segments"],
        serde_json::json!(["apps", "1", "users", "a/b"])
    );
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(1); 2]);
    assert_eq!(server.requests_seen(), 3);
    let entries = seen.all();
    assert_eq!(
        entries.len(),
        1,
        "faulted requests do not reach the handler"
    );
    let (method, path, query, body, header) = &entries[0];
    assert_eq!(method, "POST");
    assert_eq!(path, "/apps/1/users/a%2Fb");
    assert_eq!(query, "x=1%202&auth_signature=s");
    assert_eq!(body, r#"{"k":"é"}"#.as_bytes());
    assert_eq!(header.as_deref(), Some("yes"));
}

#[tokio::test]
async fn the_server_stops_when_dropped() {
    let server = SandboxServer::start(|_| SandboxResponse::empty(204))
        .await
        .unwrap();
    let url = server.url();
    let t = Transport::builder(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(t.send(Request::get("/")).await.unwrap().status(), 204);
    drop(server);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let t = Transport::builder(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = t.send(Request::get("/")).await.unwrap_err();
    assert!(matches!(err, push_core::Error::Connect { .. }), "{err:?}");
}
