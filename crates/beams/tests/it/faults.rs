//! Fault injection: a raw HTTP/1.1 server on 127.0.0.1 that misbehaves on command. For every
//! fault and call the table below states what the caller gets (a typed error or success after
//! retries), how many requests reached the server, and how long the call may take.
//!
//! The retry rules checked here are push-core's classifier: a `POST` (publish) is retried only
//! when no connection was made and on 429/503; the `DELETE` of `delete_user` also on timeouts,
//! broken connections and 500/502/504.

use std::time::Duration;

use push_test_support::faults::{
    FaultCase, RETRY_AFTER_CAP, SLACK, TIMEOUT, ms, policy, run_table,
};

use push_beams::{Client, Error, RetryPolicy};

use crate::wire::sample;
use crate::{INSTANCE, KEY};

/// The shared misbehaving server ([`push_test_support::fault_server`]), through the test-support conveniences.
pub(crate) use push_test_support::fault_server::{Act, Seen};
pub(crate) use push_test_support::faults::{Server, answer, answer_with};

/// What a reset cuts in half, and what a truncated answer sends of its body.
const RESET_BODY: &[u8] = br#"{"publishId":"pubid-reset"}"#;
const TRUNCATED_BODY: &[u8] = br#"{"publishId":"#;

// ---------------------------------------------------------------------------------------------

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
    let slow = |gap| Act::Slow {
        status: 200,
        body: br#"{"publishId":"pubid-slow"}"#.to_vec(),
        gap,
    };
    let secs = |status| answer_with(status, &[("Retry-After", "1")], "");
    // Whole seconds: "3" is at least two seconds away when the client reads it.
    let date = |status| Act::RetryAtDate { status, secs: 3 };
    let html = "<html><body>Bad Gateway</body></html>";
    let t3 = TIMEOUT * 3;
    vec![
        // ---- POST: each fault is followed by a success, so a forbidden retry would show.
        Case {
            script: None,
            ..case("connection refused", Publish, vec![], "connect", 0)
        },
        case(
            "reset mid-response",
            Publish,
            vec![
                Act::Reset {
                    body: RESET_BODY.to_vec(),
                },
                ok_publish(),
            ],
            "transport",
            1,
        ),
        case(
            "accepts, never answers",
            Publish,
            vec![Act::Silent, ok_publish()],
            "timeout",
            1,
        )
        .between(TIMEOUT, TIMEOUT + SLACK),
        case(
            "slow body past the timeout",
            Publish,
            vec![slow(ms(100)), ok_publish()],
            "timeout",
            1,
        )
        .between(TIMEOUT, TIMEOUT + SLACK),
        case(
            "slow body within the timeout",
            Publish,
            vec![slow(ms(2))],
            "ok",
            1,
        )
        .check(|r| r.as_deref().ok() == Some("pubid-slow")),
        case(
            "429 Retry-After seconds, then 200",
            Publish,
            vec![secs(429), ok_publish()],
            "ok",
            2,
        )
        .between(RETRY_AFTER_CAP, RETRY_AFTER_CAP + SLACK),
        case(
            "503 Retry-After HTTP date, then 200",
            Publish,
            vec![date(503), ok_publish()],
            "ok",
            2,
        )
        .between(RETRY_AFTER_CAP, RETRY_AFTER_CAP + SLACK),
        case(
            "429 Retry-After HTTP date, then 200",
            Publish,
            vec![date(429), ok_publish()],
            "ok",
            2,
        )
        .between(RETRY_AFTER_CAP, RETRY_AFTER_CAP + SLACK),
        case(
            "503 Retry-After seconds, then 200",
            Publish,
            vec![secs(503), ok_publish()],
            "ok",
            2,
        )
        .between(RETRY_AFTER_CAP, RETRY_AFTER_CAP + SLACK),
        case(
            "429 every time",
            Publish,
            vec![answer_with(429, &[("Retry-After", "0")], "")],
            "api 429",
            3,
        )
        .check(|r| r.as_ref().err().and_then(Error::retry_after) == Some(Duration::ZERO)),
        case(
            "503 Retry-After beyond the deadline",
            Publish,
            vec![
                answer_with(503, &[("Retry-After", "120")], ""),
                ok_publish(),
            ],
            "api 503",
            1,
        )
        .policy(policy().max_retry_after(Duration::from_secs(600)))
        .check(|r| r.as_ref().err().and_then(Error::retry_after) == Some(Duration::from_secs(120))),
        case(
            "500",
            Publish,
            vec![answer(500, r#"{"error":"Internal"}"#), ok_publish()],
            "api 500",
            1,
        ),
        case(
            "502 (HTML body)",
            Publish,
            vec![answer(502, html), ok_publish()],
            "api 502",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("Bad Gateway"))
        }),
        case(
            "504",
            Publish,
            vec![answer(504, ""), ok_publish()],
            "api 504",
            1,
        ),
        case(
            "truncated body",
            Publish,
            vec![
                Act::Truncated {
                    body: TRUNCATED_BODY.to_vec(),
                },
                ok_publish(),
            ],
            "transport",
            1,
        ),
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
        // ---- DELETE (idempotent): also retried on timeouts, broken connections and 500/502/504.
        Case {
            script: None,
            ..case("connection refused", Delete, vec![], "connect", 0)
        },
        case(
            "reset mid-response",
            Delete,
            vec![Act::Reset {
                body: RESET_BODY.to_vec(),
            }],
            "transport",
            3,
        ),
        case(
            "reset mid-response, then 200",
            Delete,
            vec![
                Act::Reset {
                    body: RESET_BODY.to_vec(),
                },
                ok_delete(),
            ],
            "ok",
            2,
        ),
        case(
            "accepts, never answers",
            Delete,
            vec![Act::Silent],
            "timeout",
            3,
        )
        .between(t3, t3 + SLACK),
        case(
            "never answers, deadline 500 ms",
            Delete,
            vec![Act::Silent],
            "timeout",
            2,
        )
        .policy(policy().deadline(Some(ms(500))))
        .between(ms(500), ms(500) + SLACK),
        case(
            "slow body past the timeout",
            Delete,
            vec![slow(ms(100))],
            "timeout",
            3,
        )
        .between(t3, t3 + SLACK),
        case(
            "429 Retry-After seconds, then 200",
            Delete,
            vec![secs(429), ok_delete()],
            "ok",
            2,
        )
        .between(RETRY_AFTER_CAP, RETRY_AFTER_CAP + SLACK),
        case(
            "503 Retry-After HTTP date, then 200",
            Delete,
            vec![date(503), ok_delete()],
            "ok",
            2,
        )
        .between(RETRY_AFTER_CAP, RETRY_AFTER_CAP + SLACK),
        case(
            "500, then 200",
            Delete,
            vec![answer(500, ""), ok_delete()],
            "ok",
            2,
        ),
        case(
            "502, then 200",
            Delete,
            vec![answer(502, html), ok_delete()],
            "ok",
            2,
        ),
        case(
            "504, then 200",
            Delete,
            vec![answer(504, ""), ok_delete()],
            "ok",
            2,
        ),
        case(
            "500 every time",
            Delete,
            vec![answer(500, "")],
            "api 500",
            3,
        ),
        case(
            "truncated body",
            Delete,
            vec![Act::Truncated {
                body: TRUNCATED_BODY.to_vec(),
            }],
            "transport",
            3,
        ),
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
async fn every_fault_gives_a_typed_outcome_within_the_time_bound() {
    let cases = cases();
    assert_eq!(cases.len(), 33);
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
