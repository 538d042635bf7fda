//! The official SDKs' pure-function vectors, reproduced exactly.

use std::time::Duration;

use push_channels::{Client, MasterKey, Method, PresenceMember, UserData, WebhookEvent};
use push_core::Clock;
use serde_json::Value;

use crate::common::*;

fn client() -> Client {
    fixed_client("http://127.0.0.1:1")
}

/// An auth answer's JSON, as pusher-js reads it, is exactly the vector's `output`.
fn assert_reads_as(json: &str, output: &Value) {
    let read: Value = serde_json::from_str(json).unwrap();
    assert_eq!(&read, output);
}

#[test]
fn private_channel_auth_matches_both_sdks_and_the_docs() {
    for cases in [node(), python()] {
        for name in [
            "channels.authorize.private",
            "channels.authorize.private_docs_example",
        ] {
            let c = case(&cases, name);
            let input = &c["input"];
            let auth = client()
                .authorize_channel(
                    input["socket_id"].as_str().unwrap(),
                    input["channel"].as_str().unwrap(),
                    None,
                )
                .unwrap();
            assert_eq!(auth.auth, c["output"]["auth"], "{name} ({})", c["sdk"]);
            assert_eq!(auth.to_json(), serde_json::to_string(&auth).unwrap());
        }
    }
}

#[test]
fn presence_auth_matches_node_byte_for_byte() {
    let c = case(&node(), "channels.authorize.presence");
    let data = &c["input"]["custom_data"];
    let member = PresenceMember::new(data["user_id"].as_str().unwrap())
        .user_info(&data["user_info"])
        .unwrap();
    let auth = client()
        .authorize_channel(
            "123.456",
            c["input"]["channel"].as_str().unwrap(),
            Some(&member),
        )
        .unwrap();
    assert_eq!(auth.auth, c["output"]["auth"]);
    assert_eq!(
        auth.channel_data.as_deref(),
        c["output"]["channel_data"].as_str()
    );
    // What pusher-js reads: exactly these two fields.
    assert_reads_as(&auth.to_json(), &c["output"]);
}

#[test]
fn presence_auth_signs_the_channel_data_it_returns_like_python() {
    // Python serialises channel_data with spaces, so its strings differ from ours; both are
    // valid because the signature covers the returned text. Check Python's pair with our
    // signing of its text.
    let c = case(&python(), "channels.authorize.presence");
    let channel_data = c["output"]["channel_data"].as_str().unwrap();
    let expected = format!(
        "{KEY}:{}",
        push_core::hmac_sha256_hex(
            SECRET.as_bytes(),
            format!("123.456:presence-room:{channel_data}").as_bytes()
        )
    );
    assert_eq!(c["output"]["auth"], expected.as_str());
}

#[test]
fn encrypted_channel_auth_returns_the_shared_secret_as_base64() {
    for cases in [node(), python()] {
        let c = case(&cases, "channels.authorize.encrypted");
        let auth = client()
            .authorize_channel("123.456", c["input"]["channel"].as_str().unwrap(), None)
            .unwrap();
        assert_eq!(auth.auth, c["output"]["auth"], "{}", c["sdk"]);
        if c["output"]["shared_secret"].is_string() {
            assert_eq!(
                auth.shared_secret.as_deref(),
                c["output"]["shared_secret"].as_str()
            );
        }
    }
    let c = case(&node(), "channels.shared_secret");
    assert_eq!(
        client()
            .channel_shared_secret(c["input"]["channel"].as_str().unwrap())
            .unwrap(),
        c["output"].as_str().unwrap()
    );
    let auth = client()
        .authorize_channel("123.456", "private-encrypted-my-channel", None)
        .unwrap();
    let vector = case(&node(), "channels.authorize.encrypted");
    assert_reads_as(&auth.to_json(), &vector["output"]);
}

#[test]
fn user_authentication_matches_node() {
    let c = case(&node(), "channels.authenticate_user");
    let data = &c["input"]["user_data"];
    let user = UserData::new(data["id"].as_str().unwrap())
        .user_info(&data["user_info"])
        .unwrap()
        .watchlist(
            data["watchlist"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap()),
        );
    let auth = client().authenticate_user("123.456", &user).unwrap();
    assert_eq!(auth.auth, c["output"]["auth"]);
    assert_eq!(auth.user_data, c["output"]["user_data"].as_str().unwrap());
    assert_reads_as(&auth.to_json(), &c["output"]);
}

#[test]
fn signed_query_strings_match_node_and_the_docs() {
    let c = case(&node(), "channels.create_signed_query_string");
    let body = c["input"]["body"].as_str().unwrap();
    let query = client()
        .signed_query(Method::Post, "/apps/123456/events", &[], body.as_bytes())
        .unwrap();
    assert_eq!(query, c["output"].as_str().unwrap());

    let c = case(&node(), "channels.create_signed_query_string.docs_example");
    let docs = Client::builder("3", KEY, SECRET)
        .clock(Clock::fixed(1_353_088_179))
        .build()
        .unwrap();
    let query = docs
        .signed_query(Method::Post, "/apps/3/events", &[], body.as_bytes())
        .unwrap();
    assert_eq!(query, c["output"].as_str().unwrap());
}

#[test]
fn python_module_encrypt_vector() {
    let c = case(&python(), "channels.encrypt.module_function");
    let key = MasterKey::from_base64(MASTER_KEY_B64).unwrap();
    let sealed = key
        .encrypt(
            c["input"]["channel"].as_str().unwrap(),
            c["input"]["data"].as_str().unwrap().as_bytes(),
            nonce(),
        )
        .unwrap();
    let sealed: Value = serde_json::from_str(&sealed).unwrap();
    assert_eq!(sealed, c["output"]);
}

#[test]
fn node_encrypts_a_json_quoted_string_and_we_can_reproduce_and_open_it() {
    // Node JSON-encodes string data before sealing; the ciphertext for "\"hello world\"".
    let c = case(&node(), "channels.trigger.encrypted_string_data");
    let data = c["request"]["body_json"]["data"].as_str().unwrap();
    let key = MasterKey::from_base64(MASTER_KEY_B64).unwrap();
    let ours = key
        .encrypt("private-encrypted-my-channel", br#""hello world""#, nonce())
        .unwrap();
    assert_eq!(ours, data);
    assert_eq!(
        key.decrypt("private-encrypted-my-channel", data).unwrap(),
        br#""hello world""#
    );
    // Another channel's key cannot open it.
    assert!(key.decrypt("private-encrypted-other", data).is_err());
}

fn webhook_case(name: &str) -> (String, String, String) {
    let c = case(&node(), name);
    let input = &c["input"];
    (
        input["key"].as_str().unwrap().to_owned(),
        input["signature"].as_str().unwrap().to_owned(),
        input["body"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn webhooks_accept_and_reject_as_the_sdks_do() {
    let (key, sig, body) = webhook_case("channels.webhook.valid");
    let hook = client()
        .validate_webhook(&key, &sig, body.as_bytes())
        .unwrap();
    assert_eq!(hook.time_ms, 1_700_000_000_000);
    assert_eq!(
        hook.events,
        vec![WebhookEvent::ChannelOccupied {
            channel: "test-channel".to_owned()
        }]
    );
    // Upper-case hex is the same signature.
    assert!(
        client()
            .validate_webhook(&key, &sig.to_uppercase(), body.as_bytes())
            .is_ok()
    );

    for name in [
        "channels.webhook.bad_signature",
        "channels.webhook.wrong_key",
    ] {
        let (key, sig, body) = webhook_case(name);
        let err = client()
            .validate_webhook(&key, &sig, body.as_bytes())
            .unwrap_err();
        assert!(err.is_webhook(), "{name}: {err}");
    }

    // Stale: accepted without a window (as Node), refused with Python's 300 s window.
    let (key, sig, body) = webhook_case("channels.webhook.stale_time_ms");
    assert!(
        client()
            .validate_webhook(&key, &sig, body.as_bytes())
            .is_ok()
    );
    let strict = fixed_builder("http://127.0.0.1:1")
        .webhook_max_age(Duration::from_secs(300))
        .build()
        .unwrap();
    assert!(
        strict
            .validate_webhook(&key, &sig, body.as_bytes())
            .unwrap_err()
            .is_webhook()
    );
    let (key, sig, body) = webhook_case("channels.webhook.valid");
    assert!(strict.validate_webhook(&key, &sig, body.as_bytes()).is_ok());
}

#[test]
fn webhook_content_types() {
    let (key, sig, body) = webhook_case("channels.webhook.valid");
    let c = client();
    // Node refuses a charset parameter; the media type is what matters, so we accept it.
    for ok in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
    ] {
        assert!(
            c.validate_webhook_with_content_type(ok, &key, &sig, body.as_bytes())
                .is_ok(),
            "{ok}"
        );
    }
    let c2 = case(&node(), "channels.webhook.wrong_content_type");
    let wrong = c2["input"]["content_type"].as_str().unwrap();
    for bad in [wrong, "", "application/jsonx", "text/json"] {
        let err = c
            .validate_webhook_with_content_type(bad, &key, &sig, body.as_bytes())
            .unwrap_err();
        assert!(err.is_webhook(), "{bad}");
    }
}

#[test]
fn encrypted_client_events_in_webhooks_are_opened() {
    let key = MasterKey::from_base64(MASTER_KEY_B64).unwrap();
    let channel = "private-encrypted-room";
    let sealed = key.encrypt(channel, b"{\"typing\":true}", nonce()).unwrap();
    let body = serde_json::json!({
        "time_ms": 1_700_000_000_000u64,
        "events": [
            {"name": "client_event", "channel": channel, "event": "client-typing",
             "data": sealed, "socket_id": "1.2", "user_id": "u1"},
            {"name": "member_added", "channel": "presence-x", "user_id": "u1"},
            {"name": "subscription_count", "channel": "c", "subscription_count": 3},
            {"name": "some_future_event", "channel": "c"}
        ]
    })
    .to_string();
    let sig = push_core::hmac_sha256_hex(SECRET.as_bytes(), body.as_bytes());
    let hook = client()
        .validate_webhook(KEY, &sig, body.as_bytes())
        .unwrap();
    match &hook.events[0] {
        WebhookEvent::ClientEvent {
            data,
            event,
            socket_id,
            ..
        } => {
            assert_eq!(data, "{\"typing\":true}");
            assert_eq!(event, "client-typing");
            assert_eq!(socket_id.as_deref(), Some("1.2"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        hook.events[1..],
        [
            WebhookEvent::MemberAdded {
                channel: "presence-x".to_owned(),
                user_id: "u1".to_owned()
            },
            WebhookEvent::SubscriptionCount {
                channel: "c".to_owned(),
                subscription_count: 3
            },
            WebhookEvent::Unknown,
        ]
    );

    // Without the master key the data stays sealed; with a wrong key the webhook is refused.
    let plain = Client::builder(APP_ID, KEY, SECRET).build().unwrap();
    let hook = plain.validate_webhook(KEY, &sig, body.as_bytes()).unwrap();
    assert!(matches!(&hook.events[0], WebhookEvent::ClientEvent { data, .. } if *data == sealed));
    let wrong = Client::builder(APP_ID, KEY, SECRET)
        .encryption_master_key(MasterKey::from_bytes([9; 32]))
        .build()
        .unwrap();
    assert!(
        wrong
            .validate_webhook(KEY, &sig, body.as_bytes())
            .unwrap_err()
            .is_webhook()
    );
}
