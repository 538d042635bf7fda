//! Faults specific to Beams: which of its calls a failure repeats, and what its success
//! answers must hold. Each row states what the caller gets and how many requests reached the
//! server.
//!
//! The retry classification itself (timeouts, resets, `Retry-After` in both forms, the
//! deadline, each status) is push-core's, tested there once. Here: a publish is a `POST`, so a
//! 500 is not repeated (Beams may have sent it), while `delete_user` is a `DELETE` and is; a
//! publish answered 200 must carry a string `publishId`, while a deletion's 200 body is not
//! read.

use push_test_support::fault_client;
use push_test_support::faults::{FaultCase, case, policy, resent_unchanged, run_table};

use push_beams::{Client, Error, RetryPolicy};

use crate::wire::sample;
use crate::{INSTANCE, KEY};

/// The shared misbehaving server ([`push_test_support::fault_server`]), through the test-support conveniences.
pub(crate) use push_test_support::fault_server::{Act, Seen};
pub(crate) use push_test_support::faults::{Server, answer, answer_with};

fn client(uri: &str, policy: RetryPolicy) -> Client {
    fault_client!(Client::builder(INSTANCE, KEY).base_url(uri), policy)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `publish_to_interests`: a POST, never repeated once it may have been processed.
    Publish,
    /// `delete_user`: an idempotent DELETE.
    Delete,
}

type Case = FaultCase<Call>;

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
    let mut cases = vec![
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
    ];
    // ---- The same odd successes to both: a publish must read its body, delete_user does
    // not read the body of a success.
    for (call, want) in [(Publish, "decode"), (Delete, "ok")] {
        for (name, body) in [
            ("non-JSON 200 body", "<html><body>Bad Gateway</body></html>"),
            ("200 with an unexpected JSON shape", r#"{"id":7}"#),
        ] {
            cases.push(case(name, call, vec![answer(200, body)], want, 1));
        }
    }
    cases
}

async fn call(client: Client, call: Call) -> Result<String, Error> {
    match call {
        Call::Publish => client.publish_to_interests(&["donuts"], &sample()).await,
        Call::Delete => client.delete_user("user-1").await.map(|()| String::new()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_beams_fault_gives_the_stated_outcome() {
    run_table(cases(), 9, client, call).await;
}

/// The publish body reaches the server intact on the retry after a 503.
#[tokio::test]
async fn retried_publish_sends_the_same_body_and_auth() {
    let path = format!("/publish_api/v1/instances/{INSTANCE}/publishes/interests");
    let script = vec![
        answer_with(503, &[("Retry-After", "0")], ""),
        answer(200, r#"{"publishId":"pubid-2"}"#),
    ];
    let publish = |uri: String| async move {
        let client = client(&uri, policy());
        client.publish_to_interests(&["donuts"], &sample()).await
    };
    let id = resent_unchanged(script, publish, "POST", &path, &format!("Bearer {KEY}")).await;
    assert_eq!(id, "pubid-2");
}
