//! Webhook signature verification and event parsing: from a request's headers with the
//! client's secret, and from the parts.

use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use push_beams::{Client, Error, WebhookEventKind, validate_webhook};
use sha1::Sha1;

use crate::{INSTANCE, KEY};

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

fn verifying_client() -> Client {
    Client::builder(INSTANCE, KEY)
        .webhook_secret(std::str::from_utf8(SECRET).unwrap())
        .build()
        .unwrap()
}

/// Headers as a web framework hands them over, the signature under `name` as written.
fn headers(name: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert(
        HeaderName::from_bytes(name.as_bytes()).unwrap(),
        HeaderValue::from_str(signature).unwrap(),
    );
    headers
}

fn open_body() -> String {
    body(
        "v1.UserNotificationOpen",
        r#"{"instance_id":"i","publish_id":"p","user_id":"u"}"#,
    )
}

#[test]
fn a_webhook_is_verified_from_its_headers() {
    let client = verifying_client();
    let b = open_body();
    let signature = sign(b.as_bytes());
    // Header names are matched whatever their case.
    for name in [
        "Webhook-Signature",
        "webhook-signature",
        "WEBHOOK-SIGNATURE",
    ] {
        let event = client
            .verify_webhook(&headers(name, &signature), b.as_bytes())
            .unwrap();
        assert!(
            matches!(event.kind, WebhookEventKind::UserNotificationOpen(ref n) if n.user_id == "u"),
            "{name}: {event:?}"
        );
        // One code path: the same event as from the parts.
        assert_eq!(
            event,
            validate_webhook(SECRET, &signature, b.as_bytes()).unwrap()
        );
    }
}

#[test]
fn a_tampered_webhook_is_refused() {
    let client = verifying_client();
    let b = open_body();
    let signature = sign(b.as_bytes());
    let tampered = b.replace(r#""user_id":"u""#, r#""user_id":"v""#);
    assert_ne!(tampered, b);
    let err = client
        .verify_webhook(
            &headers("Webhook-Signature", &signature),
            tampered.as_bytes(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Webhook { .. }), "{err:?}");
    assert!(err.to_string().contains("does not match"), "{err}");
    // Signed with another secret.
    let other = Client::builder(INSTANCE, KEY)
        .webhook_secret("another-secret")
        .build()
        .unwrap();
    let err = other
        .verify_webhook(&headers("Webhook-Signature", &signature), b.as_bytes())
        .unwrap_err();
    assert!(err.is_webhook(), "{err:?}");
}

#[test]
fn a_missing_or_unreadable_signature_is_refused() {
    let client = verifying_client();
    let b = open_body();
    let err = client
        .verify_webhook(&HeaderMap::new(), b.as_bytes())
        .unwrap_err();
    assert!(matches!(err, Error::Webhook { .. }), "{err:?}");
    assert!(err.to_string().contains("Webhook-Signature"), "{err}");
    // Under another name, it is not the signature.
    let err = client
        .verify_webhook(&headers("X-Signature", &sign(b.as_bytes())), b.as_bytes())
        .unwrap_err();
    assert!(err.is_webhook(), "{err:?}");
    let mut not_text = HeaderMap::new();
    not_text.insert(
        "webhook-signature",
        HeaderValue::from_bytes(&[0xC3, 0xA9]).unwrap(),
    );
    let err = client.verify_webhook(&not_text, b.as_bytes()).unwrap_err();
    assert!(err.is_webhook(), "{err:?}");
}

#[test]
fn without_a_webhook_secret_verifying_is_a_configuration_error() {
    let client = Client::builder(INSTANCE, KEY).build().unwrap();
    let b = open_body();
    let err = client
        .verify_webhook(
            &headers("Webhook-Signature", &sign(b.as_bytes())),
            b.as_bytes(),
        )
        .unwrap_err();
    match err {
        Error::Config { reason } => {
            assert!(reason.contains("ClientBuilder::webhook_secret"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// A verified event can be handed on as JSON, and reads back as the same event.
#[test]
fn a_verified_event_serialises_and_reads_back() {
    let b = open_body();
    let event = verifying_client()
        .verify_webhook(
            &headers("Webhook-Signature", &sign(b.as_bytes())),
            b.as_bytes(),
        )
        .unwrap();
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["kind"]["event_type"], "v1.UserNotificationOpen");
    assert_eq!(json["kind"]["payload"]["user_id"], "u");
    assert_eq!(json["custom_data"]["k"], 1);
    let back: push_beams::WebhookEvent = serde_json::from_value(json).unwrap();
    assert_eq!(back, event);
}
