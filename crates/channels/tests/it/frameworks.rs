//! What a web framework hands over: pusher-js's auth POSTs and a webhook's `HeaderMap`.

use http::{HeaderMap, HeaderValue};
use push_channels::{AuthRequest, UserAuthRequest, WebhookEvent};
use push_core::hmac_sha256_hex;

use crate::common::*;

/// The bodies pusher-js 8 posts (`socket_id=…&channel_name=…`, plus the app's own `params`),
/// read as axum's `Form` reads them.
#[test]
fn auth_requests_are_read_from_pusher_js_forms() {
    let body = "socket_id=1234.1234&channel_name=private-foobar&user_id=alice";
    let request: AuthRequest = serde_urlencoded::from_str(body).unwrap();
    assert_eq!(
        request,
        AuthRequest {
            socket_id: "1234.1234".to_owned(),
            channel_name: "private-foobar".to_owned(),
        }
    );
    // Percent-encoded names (presence channels of any allowed name) come back decoded.
    let body = "socket_id=1.2&channel_name=presence-room%40a%2Cb%3Bc";
    let request: AuthRequest = serde_urlencoded::from_str(body).unwrap();
    assert_eq!(request.channel_name, "presence-room@a,b;c");
    let signin: UserAuthRequest = serde_urlencoded::from_str("socket_id=1234.1234").unwrap();
    assert_eq!(signin.socket_id, "1234.1234");
    // The JSON pusher-js sends when configured for it reads the same.
    let json: AuthRequest =
        serde_json::from_str(r#"{"socket_id":"1.2","channel_name":"private-x"}"#).unwrap();
    assert_eq!(json.channel_name, "private-x");
    // A form without the channel is not an auth request.
    assert!(serde_urlencoded::from_str::<AuthRequest>("socket_id=1.2").is_err());

    let client = fixed_client("http://127.0.0.1:1");
    let request: AuthRequest =
        serde_urlencoded::from_str("socket_id=1234.1234&channel_name=private-foobar").unwrap();
    let auth = client
        .authorize_channel(&request.socket_id, &request.channel_name, None)
        .unwrap();
    let expected = hmac_sha256_hex(SECRET.as_bytes(), b"1234.1234:private-foobar");
    assert_eq!(auth.auth, format!("{KEY}:{expected}"));
}

fn headers(key: &str, signature: &str, content_type: Option<&'static str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("X-Pusher-Key", HeaderValue::from_str(key).unwrap());
    headers.insert(
        "X-Pusher-Signature",
        HeaderValue::from_str(signature).unwrap(),
    );
    if let Some(content_type) = content_type {
        headers.insert("Content-Type", HeaderValue::from_static(content_type));
    }
    headers
}

#[test]
fn webhooks_are_verified_from_a_header_map() {
    let client = fixed_client("http://127.0.0.1:1");
    let body =
        br#"{"time_ms":1700000000000,"events":[{"name":"channel_vacated","channel":"room"}]}"#;
    let signature = hmac_sha256_hex(SECRET.as_bytes(), body);
    for content_type in [
        Some("application/json"),
        Some("application/json; charset=utf-8"),
        None,
    ] {
        let webhook = client
            .verify_webhook(&headers(KEY, &signature, content_type), body)
            .unwrap();
        assert!(matches!(
            &webhook.events[0],
            WebhookEvent::ChannelVacated { channel } if channel == "room"
        ));
    }
    let tampered =
        br#"{"time_ms":1700000000000,"events":[{"name":"channel_vacated","channel":"mine"}]}"#;
    let refusals = [
        client.verify_webhook(&headers(KEY, &signature, None), tampered),
        client.verify_webhook(&headers("other-key", &signature, None), body),
        client.verify_webhook(&headers(KEY, &signature, Some("text/plain")), body),
        client.verify_webhook(&HeaderMap::new(), body),
    ];
    for refused in refusals {
        assert!(refused.unwrap_err().is_webhook());
    }
}

/// Answers are data: they serialise to the JSON they were read from, so a handler can pass
/// them on.
#[test]
fn answers_serialise_as_they_were_read() {
    let read = |json: &str| -> serde_json::Value { serde_json::from_str(json).unwrap() };
    let channel = r#"{"occupied":true,"subscription_count":3,"user_count":2}"#;
    let info: push_channels::ChannelInfo = serde_json::from_str(channel).unwrap();
    assert_eq!(serde_json::to_value(&info).unwrap(), read(channel));
    let users = r#"{"users":[{"id":"1"},{"id":"2"}]}"#;
    let info: push_channels::UsersInfo = serde_json::from_str(users).unwrap();
    assert_eq!(serde_json::to_value(&info).unwrap(), read(users));
    let list = r#"{"channels":{"presence-a":{"user_count":4}}}"#;
    let info: push_channels::ChannelsInfo = serde_json::from_str(list).unwrap();
    assert_eq!(serde_json::to_value(&info).unwrap(), read(list));
    let trigger = r#"{"channels":{"a":{"subscription_count":1}}}"#;
    let answer: push_channels::TriggerResponse = serde_json::from_str(trigger).unwrap();
    assert_eq!(serde_json::to_value(&answer).unwrap(), read(trigger));
    let batch = r#"{"batch":[{"subscription_count":1},{}]}"#;
    let answer: push_channels::BatchResponse = serde_json::from_str(batch).unwrap();
    assert_eq!(serde_json::to_value(&answer).unwrap(), read(batch));
}
