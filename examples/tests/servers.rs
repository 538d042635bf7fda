//! The example servers: the auth endpoint and the webhook receiver, over real HTTP.
#![allow(clippy::unwrap_used)]

use hmac::{Hmac, Mac};
use push_all::channels::{self, MasterKey, PresenceMember};
use push_examples::webhooks::{Received, Receiver};
use push_examples::{auth, http};

const FORM: &str = "application/x-www-form-urlencoded";

fn client() -> channels::Client {
    channels::Client::builder("1", "app-key", "app-secret")
        .encryption_master_key(MasterKey::from_bytes([5; 32]))
        .build()
        .unwrap()
}

async fn serve(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

#[tokio::test]
async fn the_auth_endpoint_answers_what_pusher_js_expects() {
    let addr = serve(auth::router(client())).await;
    let ask = |channel: &'static str, user: &'static str| async move {
        let body = format!("socket_id=1.2&channel_name={channel}");
        http::post(
            addr,
            "/pusher/auth",
            &[("content-type", FORM), ("x-user", user)],
            body.as_bytes(),
        )
        .await
        .unwrap()
    };
    let private = ask("private-user-bob", "bob").await;
    assert_eq!(private.status, 200);
    let expected = client()
        .authorize_channel("1.2", "private-user-bob", None)
        .unwrap();
    assert_eq!(private.body, expected.to_json());

    let presence = ask("presence-room", "bob").await;
    let member = PresenceMember::new("bob")
        .user_info(&serde_json::json!({"name": "bob"}))
        .unwrap();
    let expected = client()
        .authorize_channel("1.2", "presence-room", Some(&member))
        .unwrap();
    assert_eq!(presence.body, expected.to_json());

    let encrypted = ask("private-encrypted-vault", "bob").await;
    let json: serde_json::Value = serde_json::from_str(&encrypted.body).unwrap();
    assert_eq!(
        json["shared_secret"],
        client()
            .channel_shared_secret("private-encrypted-vault")
            .unwrap()
    );

    assert_eq!(ask("private-user-alice", "bob").await.status, 403);
    assert_eq!(ask("public-news", "bob").await.status, 400);
    assert_eq!(ask("private-x", "").await.status, 403);

    let signin = http::post(
        addr,
        "/pusher/user-auth",
        &[("content-type", FORM), ("x-user", "bob")],
        b"socket_id=1.2",
    )
    .await
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&signin.body).unwrap();
    assert_eq!(
        json["user_data"],
        r#"{"id":"bob","user_info":{"name":"bob"}}"#
    );
}

#[tokio::test]
async fn the_receiver_accepts_signed_webhooks_and_refuses_forged_ones() {
    let beams = push_all::beams::Client::builder("instance-1", "beams-key")
        .webhook_secret("beams-secret")
        .build()
        .unwrap();
    let receiver = Receiver::new(client(), beams);
    let addr = serve(receiver.router()).await;

    let body =
        br#"{"time_ms":1,"events":[{"name":"member_added","channel":"presence-r","user_id":"u"}]}"#;
    let sig = push_core::hmac_sha256_hex(b"app-secret", body);
    let post = |path: &'static str, headers: Vec<(&'static str, String)>, body: &'static [u8]| async move {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        http::post(addr, path, &headers, body).await.unwrap()
    };
    let ok = post(
        "/webhooks/channels",
        vec![
            ("content-type", "application/json; charset=utf-8".into()),
            ("x-pusher-key", "app-key".into()),
            ("x-pusher-signature", sig.clone()),
        ],
        body,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    for (key, sig, ct) in [
        ("app-key", "0".repeat(64), "application/json"),
        ("other-key", sig.clone(), "application/json"),
        ("app-key", sig.clone(), "text/plain"),
    ] {
        let refused = post(
            "/webhooks/channels",
            vec![
                ("content-type", ct.into()),
                ("x-pusher-key", key.into()),
                ("x-pusher-signature", sig),
            ],
            body,
        )
        .await;
        assert_eq!(refused.status, 401, "{key} {ct}");
    }

    let beams_body = br#"{"metadata":{"event_type":"v1.UserNotificationOpen","event_id":"e","created_at":"t","product":"beams"},"payload":{"instance_id":"i","publish_id":"p","user_id":"u"}}"#;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(b"beams-secret").unwrap();
    mac.update(beams_body);
    let beams_sig = hex::encode(mac.finalize().into_bytes());
    let ok = post(
        "/webhooks/beams",
        vec![("webhook-signature", beams_sig)],
        beams_body,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let forged = post(
        "/webhooks/beams",
        vec![("webhook-signature", "00".repeat(20))],
        beams_body,
    )
    .await;
    assert_eq!(forged.status, 401);

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert!(matches!(&received[0], Received::Channels(hook) if hook.events.len() == 1));
    assert!(matches!(&received[1], Received::Beams(_)));
}
