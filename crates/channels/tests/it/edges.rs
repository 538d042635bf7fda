//! Inputs the crate was not tuned to: what real servers send, unusual names, and values at
//! the edge of what the service documents.

use push_channels::{Attribute, Client, Error, Method, PresenceMember, UserData, WebhookEvent};
use push_core::hmac_sha256_hex;
use push_test_support::mock::serving;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn signed(client: &Client, body: &str) -> push_channels::Result<push_channels::Webhook> {
    let signature = hmac_sha256_hex(SECRET.as_bytes(), body.as_bytes());
    client.validate_webhook(KEY, &signature, body.as_bytes())
}

#[test]
fn webhook_pass_through_fields_accept_any_json() {
    let client = fixed_client("http://127.0.0.1:1");
    // soketi 1.6.1 and sockudo 5.2.0 send a client event's data as an object.
    let body = r#"{"time_ms":1700000000000,"events":[
        {"name":"client_event","channel":"private-chat","event":"client-typing",
         "data":{"user":"ann","typing":true},"socket_id":"1.2"},
        {"name":"client_event","channel":"presence-room","event":"client-n",
         "data":[1,2],"socket_id":"1.3","user_id":10},
        {"name":"client_event","channel":"private-chat","event":"client-s","data":"text"},
        {"name":"member_added","channel":"presence-room","user_id":42},
        {"name":"member_removed","channel":"presence-room","user_id":"bob"},
        {"name":"subscription_count","channel":"busy","subscription_count":"7"},
        {"name":"subscription_count","channel":"busy","subscription_count":8}
    ]}"#;
    let webhook = signed(&client, body).unwrap();
    let data: Vec<(&str, Option<&str>)> = webhook
        .events
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::ClientEvent { data, user_id, .. } => {
                Some((data.as_str(), user_id.as_deref()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        data,
        [
            (r#"{"user":"ann","typing":true}"#, None),
            ("[1,2]", Some("10")),
            ("text", None),
        ]
    );
    // A numeric user id arrives as its digits; a count as a number or a string of digits.
    let room = || "presence-room".to_owned();
    let busy = |subscription_count| WebhookEvent::SubscriptionCount {
        channel: "busy".to_owned(),
        subscription_count,
    };
    assert_eq!(
        webhook.events[3..],
        [
            WebhookEvent::MemberAdded {
                channel: room(),
                user_id: "42".to_owned()
            },
            WebhookEvent::MemberRemoved {
                channel: room(),
                user_id: "bob".to_owned()
            },
            busy(7),
            busy(8),
        ]
    );
    // A count that is not one is still refused, as any malformed webhook.
    let bad = r#"{"time_ms":1,"events":[{"name":"subscription_count","channel":"c","subscription_count":"many"}]}"#;
    assert!(signed(&client, bad).unwrap_err().is_webhook());
}

#[test]
fn an_encrypted_client_event_sent_as_an_object_is_still_opened() {
    let client = fixed_client("http://127.0.0.1:1");
    let key = push_channels::MasterKey::from_base64(MASTER_KEY_B64).unwrap();
    let sealed = key
        .encrypt("private-encrypted-vault", b"opened", nonce())
        .unwrap();
    // The envelope as an object rather than a JSON string.
    let body = format!(
        r#"{{"time_ms":1,"events":[{{"name":"client_event","channel":"private-encrypted-vault","event":"client-x","data":{sealed}}}]}}"#
    );
    let webhook = signed(&client, &body).unwrap();
    assert!(matches!(
        &webhook.events[0],
        WebhookEvent::ClientEvent { data, .. } if data == "opened"
    ));
}

/// A server that answers `{}` and records what reached it.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"occupied":false,"users":[]}"#),
        )
        .mount(&server)
        .await;
    server
}

async fn paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}

#[tokio::test]
async fn every_path_segment_reaches_the_server_as_given() {
    let server = server().await;
    let client = fixed_client(&server.uri());
    client.channel_info("...", &[]).await.unwrap();
    client.channel_info("a.b;c,d@e=f", &[]).await.unwrap();
    client.users_info("presence-..").await.unwrap();
    for user in ["...", "a/b", "%2e%2e", "ünï", "a b", "..\\x", "#1?x"] {
        client.terminate_user_connections(user).await.unwrap();
    }
    assert_eq!(
        paths(&server).await,
        [
            "/apps/123456/channels/...",
            "/apps/123456/channels/a.b;c,d@e=f",
            "/apps/123456/channels/presence-../users",
            "/apps/123456/users/.../terminate_connections",
            "/apps/123456/users/a%2Fb/terminate_connections",
            "/apps/123456/users/%252e%252e/terminate_connections",
            "/apps/123456/users/%C3%BCn%C3%AF/terminate_connections",
            "/apps/123456/users/a%20b/terminate_connections",
            "/apps/123456/users/..%5Cx/terminate_connections",
            "/apps/123456/users/%231%3Fx/terminate_connections",
        ]
    );
    // The dot segments themselves are refused before anything is sent.
    let before = paths(&server).await.len();
    for dots in [".", ".."] {
        assert!(
            client
                .channel_info(dots, &[])
                .await
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            client
                .users_info(dots)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            client
                .terminate_user_connections(dots)
                .await
                .unwrap_err()
                .is_invalid_input()
        );
    }
    assert_eq!(paths(&server).await.len(), before);
}

#[tokio::test]
async fn send_to_user_takes_any_user_id_and_trigger_never_a_per_user_channel() {
    let server = serving("POST", "/apps/123456/events", "{}", 1).await;
    let client = fixed_client(&server.uri());
    client.send_to_user("ünï 1", "e", "d").await.unwrap();
    let body: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(
        body["channels"],
        serde_json::json!(["#server-to-user-ünï 1"])
    );
    for refused in [
        client.trigger("#server-to-user-bob", "e", "d").await,
        client.trigger(["a", "#server-to-user-bob"], "e", "d").await,
    ] {
        assert!(
            matches!(refused, Err(Error::InvalidInput { ref field, .. }) if field == "channel")
        );
    }
    server.verify().await;
}

#[test]
fn user_ids_are_not_channel_names() {
    let client = fixed_client("http://127.0.0.1:1");
    // The service asks only for a non-empty id; watchlist entries are the app's own ids.
    let user = UserData::new("ünï").watchlist(["dvořák", "a b", "#x"]);
    let auth = client.authenticate_user("1.2", &user).unwrap();
    assert_eq!(
        auth.user_data,
        r##"{"id":"ünï","watchlist":["dvořák","a b","#x"]}"##
    );
    let expected = hmac_sha256_hex(
        SECRET.as_bytes(),
        format!("1.2::user::{}", auth.user_data).as_bytes(),
    );
    assert_eq!(auth.auth, format!("{KEY}:{expected}"));
    // A presence member's id may be up to 128 characters of anything.
    let member = PresenceMember::new("é".repeat(128));
    assert!(
        client
            .authorize_channel("1.2", "presence-x", Some(&member))
            .is_ok()
    );
}

#[test]
fn signed_query_signs_what_the_server_checks() {
    let client = fixed_client("http://127.0.0.1:1");
    let query = client
        .signed_query(
            Method::Get,
            "/apps/123456/channels",
            &[("Filter_By_Prefix", "presence-"), ("x", "a b&c=d")],
            b"",
        )
        .unwrap();
    // Keys lower-cased, values percent-encoded on the wire; the signature is over the raw
    // values and the upper-case method, as the service recomputes it.
    assert!(query.contains("filter_by_prefix=presence-&"), "{query}");
    assert!(query.contains("&x=a%20b%26c%3Dd&"), "{query}");
    let raw = format!(
        "auth_key={KEY}&auth_timestamp={NOW}&auth_version=1.0&filter_by_prefix=presence-&x=a b&c=d"
    );
    let expected = hmac_sha256_hex(
        SECRET.as_bytes(),
        format!("GET\n/apps/123456/channels\n{raw}").as_bytes(),
    );
    assert!(
        query.ends_with(&format!("&auth_signature={expected}")),
        "{query}"
    );
    for reserved in [
        "auth_key",
        "AUTH_TIMESTAMP",
        "auth_version",
        "auth_signature",
        "Body_MD5",
    ] {
        let err = client
            .signed_query(
                Method::Get,
                "/apps/123456/channels",
                &[(reserved, "x")],
                b"",
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { ref field, .. } if field == "params"),
            "{reserved}"
        );
    }
    for bad in [&[("a", "1"), ("A", "2")][..], &[("", "1")], &[("a b", "1")]] {
        assert!(
            client.signed_query(Method::Get, "/x", bad, b"").is_err(),
            "{bad:?}"
        );
    }
    assert!(client.signed_query(Method::Get, "x", &[], b"").is_err());
}

#[tokio::test]
async fn required_answer_fields_are_never_invented() {
    for (status, body) in [(200, "{}"), (204, ""), (200, r#"{"user_count":3}"#)] {
        let (_server, client) = answer(status, body).await;
        let err = client.channel_info("room", &[]).await.unwrap_err();
        assert!(
            matches!(err, Error::Decode { .. }),
            "{status} {body:?}: {err:?}"
        );
        assert!(err.to_string().contains("occupied"), "{err}");
        let err = client.users_info("presence-room").await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        let err = client.channels_info(None, &[]).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
    let (_server, client) = answer(200, r#"{"occupied":false}"#).await;
    assert!(!client.channel_info("room", &[]).await.unwrap().occupied);
    // A trigger's documented answer is `{}` (or nothing): that is no error.
    let (_server, client) = answer(200, "").await;
    assert!(
        client
            .trigger("c", "e", "d")
            .await
            .unwrap()
            .channels
            .is_empty()
    );
    let (_server, client) = answer(200, "{}").await;
    let info = client
        .channel_info("presence-x", &[Attribute::SubscriptionCount])
        .await;
    assert!(info.is_err());
}
