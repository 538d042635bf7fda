//! Faults specific to Beams: which of its calls a failure repeats, and what its success
//! answers must hold. Each row states what the caller gets and how many requests reached the
//! server.
//!
//! The retry classification itself (timeouts, resets, `Retry-After` in both forms, the
//! deadline, each status) is push-core's, tested there once. Here: a publish is a `POST`, so a
//! 500 is not repeated (Beams may have sent it), while `delete_user` is a `DELETE` and is; a
//! publish answered 200 must carry a string `publishId`, while a deletion's 200 body is not
//! read.

use push_test_support::faults::{FaultCase, SLACK, TIMEOUT, policy, run_table};

use push_beams::{Client, Error, RetryPolicy};

use crate::wire::sample;
use crate::{INSTANCE, KEY};

/// The shared misbehaving server ([`push_test_support::fault_server`]), through the test-support conveniences.
pub(crate) use push_test_support::fault_server::{Act, Seen};
pub(crate) use push_test_support::faults::{Server, answer, answer_with};

fn client(uri: &str, policy: RetryPolicy) -> Client {
    Client::builder(INSTANCE, KEY)
        .base_url(uri)
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `publish_to_interests`: a POST, never repeated once it may have been processed.
    Publish,
    /// `delete_user`: an idempotent DELETE.
    Delete,
}

type Case = FaultCase<Call>;

fn case(
    name: &'static str,
    call: Call,
    script: Vec<Act>,
    want: &'static str,
    requests: usize,
) -> Case {
    FaultCase::new(name, call, script, want, requests, policy(), SLACK)
}

fn cases() -> Vec<Case> {
    use Call::{Delete, Publish};
    let ok_publish = || answer(200, r#"{"publishId":"pubid-ok"}"#);
    let ok_delete = || answer(200, "");
    let beams_500 = || {
        answer(
            500,
            r#"{"error":"Internal server error","description":"Something went wrong"}"#,
        )
    };
    let html = "<html><body>Bad Gateway</body></html>";
    vec![
        // ---- A publish: a 500 may follow a delivery, so it is reported, not repeated (the
        // success behind it would show as a second request).
        case(
            "500 with Beams' error body",
            Publish,
            vec![beams_500(), ok_publish()],
            "api 500",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .and_then(Error::api)
                .is_some_and(|api| api.message.as_deref() == Some("Something went wrong"))
        }),
        case(
            "200 with Beams' answer",
            Publish,
            vec![ok_publish()],
            "ok",
            1,
        )
        .check(|r| r.as_deref().ok() == Some("pubid-ok")),
        case(
            "non-JSON 200 body",
            Publish,
            vec![answer(200, html)],
            "decode",
            1,
        ),
        case(
            "200 with an unexpected JSON shape",
            Publish,
            vec![answer(200, r#"{"id":7}"#)],
            "decode",
            1,
        ),
        case(
            "200 with publishId of the wrong type",
            Publish,
            vec![answer(200, r#"{"publishId":7}"#)],
            "decode",
            1,
        ),
        // ---- A deletion: repeating it is harmless, so a 500 is retried.
        case(
            "500 with Beams' error body, then 200",
            Delete,
            vec![beams_500(), ok_delete()],
            "ok",
            2,
        ),
        case("500 every time", Delete, vec![beams_500()], "api 500", 3),
        // delete_user does not read the body of a success.
        case(
            "non-JSON 200 body",
            Delete,
            vec![answer(200, html)],
            "ok",
            1,
        ),
        case(
            "200 with an unexpected JSON shape",
            Delete,
            vec![answer(200, r#"{"id":7}"#)],
            "ok",
            1,
        ),
    ]
}

async fn call(client: Client, call: Call) -> Result<String, Error> {
    match call {
        Call::Publish => client.publish_to_interests(&["donuts"], &sample()).await,
        Call::Delete => client.delete_user("user-1").await.map(|()| String::new()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_beams_fault_gives_the_stated_outcome() {
    let cases = cases();
    assert_eq!(cases.len(), 9);
    run_table(cases, client, call).await;
}

/// The publish body reaches the server intact on the retry after a 503.
#[tokio::test]
async fn retried_publish_sends_the_same_body_and_auth() {
    let server = Server::script(vec![
        answer_with(503, &[("Retry-After", "0")], ""),
        answer(200, r#"{"publishId":"pubid-2"}"#),
    ])
    .await;
    let id = client(&server.uri(), policy())
        .publish_to_interests(&["donuts"], &sample())
        .await
        .unwrap();
    assert_eq!(id, "pubid-2");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
    for s in &seen {
        assert_eq!(s.method, "POST");
        assert_eq!(
            s.path,
            format!("/publish_api/v1/instances/{INSTANCE}/publishes/interests")
        );
        assert_eq!(
            s.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}
