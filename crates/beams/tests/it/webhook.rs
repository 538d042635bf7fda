//! Webhook signature verification and event parsing.

use hmac::{Hmac, Mac};
use push_beams::{WebhookEventKind, validate_webhook};
use sha1::Sha1;

const SECRET: &[u8] = b"webhook-secret";

fn sign(body: &[u8]) -> String {
    let mut m = Hmac::<Sha1>::new_from_slice(SECRET).unwrap();
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

fn body(event_type: &str, payload: &str) -> String {
    format!(
        r#"{{"payload":{payload},"metadata":{{"created_at":"2024-01-01T00:00:00Z","event_type":"{event_type}","event_id":"e1","product":"beams"}},"custom_data":{{"k":1}}}}"#
    )
}

#[test]
fn known_hmac_sha1_vector() {
    // RFC 2202 test case 2: HMAC-SHA1 key "Jefe".
    let data = b"what do ya want for nothing?";
    let sig = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
    assert!(
        validate_webhook(b"Jefe", sig, data)
            .unwrap_err()
            .to_string()
            .contains("webhook body")
    );
}

#[test]
fn publish_to_users_attempt() {
    let b = body(
        "v1.PublishToUsersAttempt",
        r#"{"instance_id":"i","publish_id":"p","users_delivered_to_gateway":["a"],"users_no_devices":["b"],"users_gateway_failed":[]}"#,
    );
    let e = validate_webhook(SECRET, &sign(b.as_bytes()), b.as_bytes()).unwrap();
    match e.kind {
        WebhookEventKind::PublishToUsersAttempt(p) => {
            assert_eq!(p.publish_id, "p");
            assert_eq!(p.users_delivered_to_gateway, ["a"]);
            assert_eq!(p.users_no_devices, ["b"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.custom_data.unwrap()["k"], 1);
}

#[test]
fn acknowledgement_and_open() {
    let p = r#"{"instance_id":"i","publish_id":"p","user_id":"u"}"#;
    let b = body("v1.UserNotificationAcknowledgement", p);
    let e = validate_webhook(SECRET, &sign(b.as_bytes()), b.as_bytes()).unwrap();
    assert!(
        matches!(e.kind, WebhookEventKind::UserNotificationAcknowledgement(ref n) if n.user_id == "u")
    );
    let b = body("v1.UserNotificationOpen", p);
    let e = validate_webhook(SECRET, &sign(b.as_bytes()).to_uppercase(), b.as_bytes()).unwrap();
    assert!(matches!(e.kind, WebhookEventKind::UserNotificationOpen(ref n) if n.publish_id == "p"));
    assert_eq!(e.metadata["event_id"], "e1");
}

#[test]
fn unknown_event_kept_raw() {
    let b = body("v2.Future", r#"{"x":1}"#);
    let e = validate_webhook(SECRET, &sign(b.as_bytes()), b.as_bytes()).unwrap();
    assert!(
        matches!(e.kind, WebhookEventKind::Other { ref event_type, .. } if event_type == "v2.Future")
    );
}

#[test]
fn bad_signatures_refused() {
    let b = body(
        "v1.UserNotificationOpen",
        r#"{"instance_id":"i","publish_id":"p","user_id":"u"}"#,
    );
    let good = sign(b.as_bytes());
    let mut tampered = b.clone().into_bytes();
    tampered[20] ^= 1;
    for (sig, data) in [
        ("", b.as_bytes()),
        ("zz", b.as_bytes()),
        (&good[..10], b.as_bytes()),
        ("00".repeat(20).as_str(), b.as_bytes()),
        (good.as_str(), tampered.as_slice()),
    ] {
        let e = validate_webhook(SECRET, sig, data).unwrap_err();
        assert!(e.is_webhook(), "{sig}: {e}");
    }
    assert!(
        validate_webhook(b"other", &good, b.as_bytes())
            .unwrap_err()
            .is_webhook()
    );
}
