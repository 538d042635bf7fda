//! Beams' error bodies and statuses, as the caller sees them; and what a refused connection
//! says.

use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

use crate::client;
use crate::routes::{self, To};
use crate::wire::{sample, sample_body};

/// The error a publish gets when Beams answers `status` with `body`: a publish to the one
/// interest `hello`, or to the one user `u`.
pub(crate) async fn publish_answered(to: To, status: u16, body: &str) -> push_beams::Error {
    let (key, id) = match to {
        To::Interests => ("interests", "hello"),
        To::Users => ("users", "u"),
    };
    let answer = ResponseTemplate::new(status).set_body_string(body);
    let server = routes::one_publish(to, body_json(sample_body(key, &[id])), answer).await;
    let client = client(&server.uri());
    let result = match to {
        To::Interests => client.publish_to_interests(&[id], &sample()).await,
        To::Users => client.publish_to_users(&[id], &sample()).await,
    };
    result.unwrap_err()
}

/// Beams' error answers as the caller sees them: the status, Beams' `error` as the code and
/// its `description` as the message (a body that is not JSON is the message itself, an empty
/// one none); retryable exactly for 429 and 5xx, rate-limited exactly for 429.
#[tokio::test]
async fn error_answers_are_typed() {
    let table = [
        (
            "unauthorized",
            401,
            r#"{"error":"Unauthorized","description":"Incorrect API Key"}"#,
            Some("Unauthorized"),
            Some("Incorrect API Key"),
        ),
        (
            "unknown instance",
            404,
            r#"{"error":"Instance not found","description":"Could not find the instance"}"#,
            Some("Instance not found"),
            Some("Could not find the instance"),
        ),
        (
            "unprocessable",
            422,
            r#"{"error":"Unprocessable Entity","description":"bad payload"}"#,
            Some("Unprocessable Entity"),
            Some("bad payload"),
        ),
        (
            "rate limited",
            429,
            r#"{"error":"Too many requests","description":"Rate limit exceeded"}"#,
            Some("Too many requests"),
            Some("Rate limit exceeded"),
        ),
        (
            "server error",
            500,
            r#"{"error":"Internal server error","description":"Something went wrong"}"#,
            Some("Internal server error"),
            Some("Something went wrong"),
        ),
        (
            "non-JSON body",
            502,
            "Bad Gateway",
            None,
            Some("Bad Gateway"),
        ),
        ("empty body", 503, "", None, None),
    ];
    for (case, status, body, code, message) in table {
        let e = publish_answered(To::Users, status, body).await;
        let api = e.api().unwrap();
        let got = (api.status, api.code.as_deref(), api.message.as_deref());
        assert_eq!(got, (status, code, message), "{case}");
        assert_eq!(e.status(), Some(status), "{case}");
        assert_eq!(e.is_rate_limited(), status == 429, "{case}");
        assert_eq!(e.is_retryable(), status == 429 || status >= 500, "{case}");
    }
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
