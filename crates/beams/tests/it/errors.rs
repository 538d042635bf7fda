//! Beams' error bodies and statuses, as the caller sees them; and what a refused connection
//! says.

use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

use crate::client;
use crate::routes::{self, To};
use crate::wire::{sample, sample_body};

async fn fail(status: u16, body: &str) -> push_beams::Error {
    let server = MockServer::start().await;
    routes::publish(
        &server,
        To::Users,
        body_json(sample_body("users", &["u"])),
        ResponseTemplate::new(status).set_body_string(body),
        1,
    )
    .await;
    routes::unexpected(&server).await;
    client(&server.uri())
        .publish_to_users(&["u"], &sample())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn unauthorized() {
    let e = fail(
        401,
        r#"{"error":"Unauthorized","description":"Incorrect API Key"}"#,
    )
    .await;
    let api = e.api().unwrap();
    assert_eq!(
        (api.status, api.code.as_deref()),
        (401, Some("Unauthorized"))
    );
    assert_eq!(api.message.as_deref(), Some("Incorrect API Key"));
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn unknown_instance() {
    let e = fail(
        404,
        r#"{"error":"Instance not found","description":"Could not find the instance"}"#,
    )
    .await;
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.api().unwrap().code.as_deref(), Some("Instance not found"));
}

#[tokio::test]
async fn unprocessable() {
    let e = fail(
        422,
        r#"{"error":"Unprocessable Entity","description":"bad payload"}"#,
    )
    .await;
    assert_eq!(e.status(), Some(422));
    assert_eq!(e.api().unwrap().message.as_deref(), Some("bad payload"));
    assert!(!e.is_rate_limited());
}

#[tokio::test]
async fn rate_limited() {
    let e = fail(
        429,
        r#"{"error":"Too many requests","description":"Rate limit exceeded"}"#,
    )
    .await;
    assert!(e.is_rate_limited());
    assert_eq!(e.api().unwrap().code.as_deref(), Some("Too many requests"));
}

#[tokio::test]
async fn server_error_json() {
    let e = fail(
        500,
        r#"{"error":"Internal server error","description":"Something went wrong"}"#,
    )
    .await;
    assert_eq!(e.status(), Some(500));
    assert_eq!(
        e.api().unwrap().message.as_deref(),
        Some("Something went wrong")
    );
}

#[tokio::test]
async fn non_json_body_kept_as_message() {
    let e = fail(502, "Bad Gateway").await;
    let api = e.api().unwrap();
    assert_eq!(
        (api.code.as_deref(), api.message.as_deref()),
        (None, Some("Bad Gateway"))
    );
}

#[tokio::test]
async fn empty_body_has_no_message() {
    let e = fail(503, "").await;
    let api = e.api().unwrap();
    assert_eq!(
        (api.status, api.code.as_deref(), api.message.as_deref()),
        (503, None, None)
    );
}

#[tokio::test]
async fn delete_user_error_is_typed() {
    let server = MockServer::start().await;
    routes::delete_user(
        &server,
        "ghost",
        ResponseTemplate::new(404)
            .set_body_string(r#"{"error":"Not found","description":"no user"}"#),
        1,
    )
    .await;
    routes::unexpected(&server).await;
    let e = client(&server.uri())
        .delete_user("ghost")
        .await
        .unwrap_err();
    assert_eq!(e.api().unwrap().message.as_deref(), Some("no user"));
}

/// A refused connection names the server's `127.0.0.1:PORT` and the cause, and nothing of the
/// request (its path holds the instance id, its headers the key).
#[tokio::test]
async fn a_refused_connection_names_the_address_and_the_cause() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("http://127.0.0.1:{port}"))
        .publish_to_interests(&["donuts"], &sample())
        .await
        .unwrap_err();
    assert!(matches!(err, push_beams::Error::Connect { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("could not connect to 127.0.0.1:{port}: ")),
        "{shown}"
    );
    assert!(shown.to_lowercase().contains("refused"), "{shown}");
    assert!(!shown.contains("publish_api"), "{shown}");
    assert!(!shown.contains(crate::KEY), "{shown}");
    assert!(err.is_retryable());
}
