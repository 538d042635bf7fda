//! How answers other than success reach the caller.

use push_channels::Attribute;
use push_core::Error;

use crate::common::*;

#[tokio::test]
async fn error_statuses_are_typed_and_carry_the_servers_message() {
    let table: &[(u16, &str)] = &[
        (400, "Bad request: invalid channel name"),
        (
            401,
            "Invalid signature: you should have sent HmacSHA256Hex(...)",
        ),
        (403, "Forbidden: app is disabled"),
        (404, "Not found"),
        (413, "Request Entity Too Large"),
        (429, "Too many requests"),
        (500, "Internal Server Error"),
        (502, "<html>Bad Gateway</html>"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
    ];
    for &(status, body) in table {
        let (server, client) = answer(status, body).await;
        let err = client.trigger("c", "e", "d").await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{status}");
        let api = err.api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(api.message.as_deref(), Some(body), "{status}");
        assert_eq!(api.body, body, "{status}");
        assert!(err.to_string().contains(&status.to_string()), "{err}");
        // No retry policy here: exactly one request, whatever the status.
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{status}"
        );
        // GETs map the same way.
        let err = client.channel_info("c", &[]).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn an_empty_error_body_still_gives_the_status() {
    let (_server, client) = answer(503, "").await;
    let err = client.trigger("c", "e", "d").await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_success_that_is_not_json_is_a_decode_error() {
    for body in ["<html>ok</html>", "{\"channels\": 5}", "[1,2"] {
        let (_server, client) = answer(200, body).await;
        let err = client.channels_info(None, &[]).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err:?}");
    }
    // An empty success body is the documented `{}`.
    let (_server, client) = answer(200, "").await;
    let answer = client.trigger("c", "e", "d").await.unwrap();
    assert!(answer.channels.is_empty());
}

#[tokio::test]
async fn channel_info_decodes_every_attribute() {
    let (_server, client) = answer(
        200,
        r#"{"occupied":true,"subscription_count":3,"user_count":2,"cache":{"data":"x","ttl":30},"future":1}"#,
    )
    .await;
    let info = client
        .channel_info(
            "presence-cache-room",
            &[
                Attribute::SubscriptionCount,
                Attribute::UserCount,
                Attribute::Cache,
            ],
        )
        .await
        .unwrap();
    assert!(info.occupied);
    assert_eq!(info.subscription_count, Some(3));
    assert_eq!(info.user_count, Some(2));
    let cache = info.cache.unwrap();
    assert_eq!((cache.data.as_deref(), cache.ttl), (Some("x"), Some(30)));
}

#[tokio::test]
async fn an_error_disguised_as_success_is_an_error() {
    // soketi answers a bad signature with 200 and this body.
    let (_server, client) = answer(
        200,
        r#"{"error":"The secret authentication failed","code":401}"#,
    )
    .await;
    let err = client.trigger("c", "e", "d").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.api().unwrap().message.as_deref(),
        Some("The secret authentication failed")
    );
    // A channel that happens to be called "error" is not mistaken for one.
    let (_server, client) = answer(200, r#"{"channels":{"error":{"user_count":1}}}"#).await;
    assert_eq!(
        client
            .channels_info(None, &[])
            .await
            .unwrap()
            .channels
            .len(),
        1
    );
}

#[tokio::test]
async fn a_refused_connection_names_the_server_and_the_cause() {
    let url = push_test_support::fault_server::refused_url().unwrap();
    let port = url.rsplit(':').next().unwrap().to_owned();
    let client = fixed_client(&url);
    let err = client.trigger("c", "e", "d").await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
    // Where, never the URL: the query holds the signature.
    assert!(
        !text.contains("auth_") && !text.contains("/apps/"),
        "{text}"
    );
}
