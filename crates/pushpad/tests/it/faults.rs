//! Fault injection: a raw HTTP/1.1 server on 127.0.0.1 that misbehaves on command. For every
//! fault and call the table below states what the caller gets (a typed error or success after
//! retries), how many requests reached the server, and how long the call may take.
//!
//! The retry rules checked here are push-core's classifier: a `POST` (notification create) is
//! retried only when no connection was made and on 429/503; a `GET` (notification get) also on
//! timeouts, broken connections and 500/502/504.

use std::time::Duration;

use push_test_support::faults::{
    FaultCase, RETRY_AFTER_CAP, SLACK, TIMEOUT, ms, policy, run_table,
};

use push_pushpad::{Client, Error, NewNotification, RetryPolicy};

use crate::common::TOKEN;

/// The shared misbehaving server ([`push_test_support::fault_server`]), through the test-support conveniences.
pub(crate) use push_test_support::fault_server::{Act, Seen};
pub(crate) use push_test_support::faults::{Server, answer, answer_with};

/// What a reset cuts in half, and what a truncated answer sends of its body.
const RESET_BODY: &[u8] = br#"{"id":1,"title":"reset"}"#;
const TRUNCATED_BODY: &[u8] = br#"{"id":"#;

// ---------------------------------------------------------------------------------------------
fn client(uri: &str, policy: RetryPolicy) -> Client {
    Client::builder(TOKEN)
        .project_id(123)
        .base_url(format!("{uri}/api/v1"))
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `notifications().create`: a POST, never repeated once it may have been processed.
    Create,
    /// `notifications().get`: an idempotent GET.
    Get,
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
    use Call::{Create, Get};
    let created = || answer(201, r#"{"id":9,"scheduled":3}"#);
    let found = || answer(200, r#"{"id":42,"title":"Hi","body":"Hello"}"#);
    let slow = |status, gap| Act::Slow {
        status,
        body: br#"{"id":42,"title":"slow"}"#.to_vec(),
        gap,
    };
    let secs = |status| answer_with(status, &[("Retry-After", "1")], "");
    // Whole seconds: "3" is at least two seconds away when the client reads it.
    let date = |status| Act::RetryAtDate { status, secs: 3 };
    let html = "<html><body>Bad Gateway</body></html>";
    let t3 = TIMEOUT * 3;
    let after = RETRY_AFTER_CAP;
    vec![
        // ---- POST: each fault is followed by a success, so a forbidden retry would show.
        Case {
            script: None,
            ..case("connection refused", Create, vec![], "connect", 0)
        },
        case(
            "reset mid-response",
            Create,
            vec![
                Act::Reset {
                    body: RESET_BODY.to_vec(),
                },
                created(),
            ],
            "transport",
            1,
        ),
        case(
            "accepts, never answers",
            Create,
            vec![Act::Silent, created()],
            "timeout",
            1,
        )
        .between(TIMEOUT, TIMEOUT + SLACK),
        case(
            "slow body past the timeout",
            Create,
            vec![slow(201, ms(100)), created()],
            "timeout",
            1,
        )
        .between(TIMEOUT, TIMEOUT + SLACK),
        case(
            "slow body within the timeout",
            Create,
            vec![slow(201, ms(2))],
            "ok",
            1,
        )
        .check(|r| r.as_deref().ok() == Some("42")),
        case(
            "429 Retry-After seconds, then 201",
            Create,
            vec![secs(429), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "503 Retry-After seconds, then 201",
            Create,
            vec![secs(503), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "429 Retry-After HTTP date, then 201",
            Create,
            vec![date(429), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "503 Retry-After HTTP date, then 201",
            Create,
            vec![date(503), created()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "429 every time",
            Create,
            vec![answer_with(429, &[("Retry-After", "0")], "")],
            "api 429",
            3,
        )
        .check(|r| r.as_ref().err().and_then(Error::retry_after) == Some(Duration::ZERO)),
        case(
            "503 Retry-After beyond the deadline",
            Create,
            vec![answer_with(503, &[("Retry-After", "120")], ""), created()],
            "api 503",
            1,
        )
        .policy(policy().max_retry_after(Duration::from_secs(600)))
        .check(|r| r.as_ref().err().and_then(Error::retry_after) == Some(Duration::from_secs(120))),
        case(
            "500",
            Create,
            vec![answer(500, r#"{"error":"Internal"}"#), created()],
            "api 500",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("Internal"))
        }),
        case(
            "502 (HTML body)",
            Create,
            vec![answer(502, html), created()],
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
            Create,
            vec![answer(504, ""), created()],
            "api 504",
            1,
        ),
        case(
            "422 validation errors",
            Create,
            vec![answer(422, r#"{"errors":{"body":["can't be blank"]}}"#)],
            "api 422",
            1,
        )
        .check(|r| {
            r.as_ref()
                .err()
                .is_some_and(|e| e.to_string().contains("body can't be blank"))
        }),
        case(
            "truncated body",
            Create,
            vec![
                Act::Truncated {
                    body: TRUNCATED_BODY.to_vec(),
                },
                created(),
            ],
            "transport",
            1,
        ),
        case(
            "non-JSON 201 body",
            Create,
            vec![answer(201, html)],
            "decode",
            1,
        ),
        case(
            "201 with an unexpected JSON shape",
            Create,
            vec![answer(201, r#"{"notification":{"id":9}}"#)],
            "decode",
            1,
        ),
        case(
            "201 with an id of the wrong type",
            Create,
            vec![answer(201, r#"{"id":"nine"}"#)],
            "decode",
            1,
        ),
        case(
            "200 where 201 is documented",
            Create,
            vec![answer(200, r#"{"id":9}"#)],
            "api 200",
            1,
        ),
        // ---- GET (idempotent): also retried on timeouts, broken connections and 500/502/504.
        Case {
            script: None,
            ..case("connection refused", Get, vec![], "connect", 0)
        },
        case(
            "reset mid-response",
            Get,
            vec![Act::Reset {
                body: RESET_BODY.to_vec(),
            }],
            "transport",
            3,
        ),
        case(
            "reset mid-response, then 200",
            Get,
            vec![
                Act::Reset {
                    body: RESET_BODY.to_vec(),
                },
                found(),
            ],
            "ok",
            2,
        ),
        case(
            "accepts, never answers",
            Get,
            vec![Act::Silent],
            "timeout",
            3,
        )
        .between(t3, t3 + SLACK),
        case(
            "never answers, deadline 500 ms",
            Get,
            vec![Act::Silent],
            "timeout",
            2,
        )
        .policy(policy().deadline(Some(ms(500))))
        .between(ms(500), ms(500) + SLACK),
        case(
            "slow body past the timeout",
            Get,
            vec![slow(200, ms(100))],
            "timeout",
            3,
        )
        .between(t3, t3 + SLACK),
        case(
            "429 Retry-After seconds, then 200",
            Get,
            vec![secs(429), found()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "503 Retry-After HTTP date, then 200",
            Get,
            vec![date(503), found()],
            "ok",
            2,
        )
        .between(after, after + SLACK),
        case(
            "500, then 200",
            Get,
            vec![answer(500, ""), found()],
            "ok",
            2,
        ),
        case(
            "502, then 200",
            Get,
            vec![answer(502, html), found()],
            "ok",
            2,
        ),
        case(
            "504, then 200",
            Get,
            vec![answer(504, ""), found()],
            "ok",
            2,
        ),
        case("500 every time", Get, vec![answer(500, "")], "api 500", 3),
        case(
            "404",
            Get,
            vec![answer(404, r#"{"error":"Not Found"}"#), found()],
            "api 404",
            1,
        ),
        case(
            "truncated body",
            Get,
            vec![Act::Truncated {
                body: TRUNCATED_BODY.to_vec(),
            }],
            "transport",
            3,
        ),
        case(
            "truncated body, then 200",
            Get,
            vec![
                Act::Truncated {
                    body: TRUNCATED_BODY.to_vec(),
                },
                found(),
            ],
            "ok",
            2,
        ),
        // A body that does not decode is not retried: the server answered.
        case(
            "non-JSON 200 body",
            Get,
            vec![answer(200, html), found()],
            "decode",
            1,
        ),
        case(
            "200 with an unexpected JSON shape",
            Get,
            vec![answer(200, r#"{"notification":{"id":42}}"#), found()],
            "decode",
            1,
        ),
        case(
            "200 with a JSON array",
            Get,
            vec![answer(200, r#"[{"id":42}]"#), found()],
            "decode",
            1,
        ),
    ]
}

async fn call(client: Client, call: Call) -> Result<String, Error> {
    match call {
        Call::Create => client
            .notifications()
            .create(&NewNotification::new("Hello").title("Hi"))
            .await
            .map(|r| r.id.to_string()),
        Call::Get => client
            .notifications()
            .get(42)
            .await
            .map(|n| n.id.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_gives_a_typed_outcome_within_the_time_bound() {
    let cases = cases();
    assert_eq!(cases.len(), 38);
    run_table(cases, client, call).await;
}

/// The notification body reaches the server intact on the retry after a 429.
#[tokio::test]
async fn retried_create_sends_the_same_body_and_auth() {
    let server = Server::script(vec![
        answer_with(429, &[("Retry-After", "0")], ""),
        answer(201, r#"{"id":9}"#),
    ])
    .await;
    let created = client(&server.uri(), policy())
        .notifications()
        .create(&NewNotification::new("Hello"))
        .await
        .unwrap();
    assert_eq!(created.id, 9);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
    for s in &seen {
        assert_eq!(s.method, "POST");
        assert_eq!(s.path, "/api/v1/projects/123/notifications");
        assert_eq!(
            s.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}
