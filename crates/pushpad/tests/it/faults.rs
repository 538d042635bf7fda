//! Pushpad's answers from a raw HTTP/1.1 server on 127.0.0.1 (push-test-support's fault
//! server): its error bodies, its success codes, and which of its calls are repeated. For each
//! case the table states what the caller gets, and how many requests reached the server.
//!
//! Which failures are retried at all is push-core's classifier, tested there as a table; this
//! suite keeps what is Pushpad's: a notification create (POST) is not repeated after a 500 and a
//! get (GET) is. Last, a refused connection's message names the address and the cause.

use push_test_support::fault_client;
use push_test_support::fault_server::refused_url;
use push_test_support::faults::{FaultCase, case, policy, resent_unchanged, run_table};

use push_pushpad::{Client, Error, NewNotification, RetryPolicy};

use crate::common::{TOKEN, builder_at};

/// The shared misbehaving server ([`push_test_support::fault_server`]), through the test-support conveniences.
pub(crate) use push_test_support::fault_server::{Act, Seen};
pub(crate) use push_test_support::faults::{Server, answer, answer_with};

/// Whether the call failed with a message holding `text`.
fn says(result: &Result<String, Error>, text: &str) -> bool {
    result
        .as_ref()
        .err()
        .is_some_and(|e| e.to_string().contains(text))
}

// ---------------------------------------------------------------------------------------------
fn client(uri: &str, policy: RetryPolicy) -> Client {
    fault_client!(builder_at(uri), policy)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// `notifications().create`: a POST, never repeated once it may have been processed.
    Create,
    /// `notifications().get`: an idempotent GET.
    Get,
}

type Case = FaultCase<Call>;

fn cases() -> Vec<Case> {
    use Call::{Create, Get};
    let created = || answer(201, r#"{"id":9,"scheduled":3}"#);
    let found = || answer(200, r#"{"id":42,"title":"Hi","body":"Hello"}"#);
    let html = "<html><body>Bad Gateway</body></html>";
    vec![
        // ---- Pushpad's error bodies, read into the message.
        case(
            "422 validation errors",
            Create,
            vec![answer(422, r#"{"errors":{"body":["can't be blank"]}}"#)],
            "api 422",
            1,
        )
        .check(|r| says(r, "body can't be blank")),
        case(
            "500 {\"error\"} on a create: not repeated",
            Create,
            vec![answer(500, r#"{"error":"Internal"}"#), created()],
            "api 500",
            1,
        )
        .check(|r| says(r, "Internal")),
        case(
            "502 with an HTML body",
            Create,
            vec![answer(502, html), created()],
            "api 502",
            1,
        )
        .check(|r| says(r, "Bad Gateway")),
        case(
            "404 {\"error\"} on a get: not repeated",
            Get,
            vec![answer(404, r#"{"error":"Not Found"}"#), found()],
            "api 404",
            1,
        )
        .check(|r| says(r, "Not Found")),
        // ---- Pushpad's success codes and bodies: anything else is an error, never retried.
        case(
            "200 where 201 is documented",
            Create,
            vec![answer(200, r#"{"id":9}"#)],
            "api 200",
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
            "non-JSON 200 body",
            Get,
            vec![answer(200, html), found()],
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
        // ---- A get (GET) is repeated after a 500; a create is not (above).
        case(
            "500, then 200 on a get",
            Get,
            vec![answer(500, ""), found()],
            "ok",
            2,
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
    run_table(cases(), 11, client, call).await;
}

/// The notification body reaches the server intact on the retry after a 429.
#[tokio::test]
async fn retried_create_sends_the_same_body_and_auth() {
    let path = "/api/v1/projects/123/notifications";
    let script = vec![
        answer_with(429, &[("Retry-After", "0")], ""),
        answer(201, r#"{"id":9}"#),
    ];
    let create = |uri: String| async move {
        let client = client(&uri, policy());
        client
            .notifications()
            .create(&NewNotification::new("Hello"))
            .await
    };
    let auth = format!("Bearer {TOKEN}");
    let created = resent_unchanged(script, create, "POST", path, &auth).await;
    assert_eq!(created.id, 9);
}

/// A refused connection is `Error::Connect`, and its message names `127.0.0.1:PORT` and why
/// (the operating system's "connection refused"), never the URL.
#[tokio::test]
async fn a_refused_connection_names_the_address_and_the_cause() {
    let url = refused_url().unwrap();
    let address = url.trim_start_matches("http://").to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let client = client(&url, RetryPolicy::none());
    let err = client
        .notifications()
        .create(&NewNotification::new("Hello"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(shown.contains(&address), "{shown}");
    assert!(shown.to_lowercase().contains("refused"), "{shown}");
    assert!(
        !shown.contains("/api/v1"),
        "the URL is not repeated: {shown}"
    );
}
