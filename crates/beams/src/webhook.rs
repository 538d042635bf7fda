//! Webhooks: verifying what Beams posts to your endpoint, and the events it reports.
//!
//! Beams signs each webhook with `Webhook-Signature`: the hex HMAC-SHA1 of the raw request
//! body keyed with the webhook secret. The body is
//! `{"payload": {...}, "metadata": {"event_type", "created_at", "event_id", "product"}, "custom_data": {...}}`.

use hmac::{Hmac, Mac};
use http::HeaderMap;
use push_core::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha1::Sha1;

use crate::client::Client;

/// The header Beams puts the signature in.
const SIGNATURE_HEADER: &str = "webhook-signature";

/// Payload of `v1.PublishToUsersAttempt`: how a publish to users went, user by user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublishToUsersAttempt {
    /// The Beams instance.
    pub instance_id: String,
    /// The publish this reports on.
    pub publish_id: String,
    /// Users whose devices the gateway accepted.
    #[serde(default)]
    pub users_delivered_to_gateway: Vec<String>,
    /// Users with no registered device.
    #[serde(default)]
    pub users_no_devices: Vec<String>,
    /// Users for whom the gateway failed.
    #[serde(default)]
    pub users_gateway_failed: Vec<String>,
}

/// Payload of `v1.UserNotificationAcknowledgement` and `v1.UserNotificationOpen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserNotification {
    /// The Beams instance.
    pub instance_id: String,
    /// The publish the notification came from.
    pub publish_id: String,
    /// The user concerned.
    pub user_id: String,
}

/// The kind of a webhook event with its typed payload.
///
/// Serialised as `{"event_type": "v1.…", "payload": {...}}`, the event type and payload as
/// Beams sent them, for every kind (an [`WebhookEventKind::Other`] included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event_type", content = "payload")]
#[non_exhaustive]
pub enum WebhookEventKind {
    /// `v1.PublishToUsersAttempt`.
    #[serde(rename = "v1.PublishToUsersAttempt")]
    PublishToUsersAttempt(PublishToUsersAttempt),
    /// `v1.UserNotificationAcknowledgement`: a device received a notification.
    #[serde(rename = "v1.UserNotificationAcknowledgement")]
    UserNotificationAcknowledgement(UserNotification),
    /// `v1.UserNotificationOpen`: a user opened a notification.
    #[serde(rename = "v1.UserNotificationOpen")]
    UserNotificationOpen(UserNotification),
    /// An event type this version does not model; the raw payload is kept.
    #[serde(untagged)]
    Other {
        /// `metadata.event_type`.
        event_type: String,
        /// The raw `payload`.
        payload: Value,
    },
}

/// A verified Beams webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The typed event.
    pub kind: WebhookEventKind,
    /// `metadata` (`created_at`, `event_type`, `event_id`, `product`).
    pub metadata: Value,
    /// `custom_data`, when present.
    #[serde(default)]
    pub custom_data: Option<Value>,
}

/// A webhook body as Beams sends it.
#[derive(Deserialize)]
struct Raw {
    payload: Value,
    metadata: Value,
    #[serde(default)]
    custom_data: Option<Value>,
}

impl Client {
    /// Verifies a webhook Beams posted to your endpoint and returns its event: `headers` are
    /// the request's headers (`Webhook-Signature` is looked up case-insensitively), `body` the
    /// raw body exactly as received, before any parsing. The secret is the one set with
    /// [`ClientBuilder::webhook_secret`](crate::ClientBuilder::webhook_secret); the signature
    /// is compared in constant time.
    ///
    /// ```
    /// # fn handle(client: &push_beams::Client, headers: &http::HeaderMap, body: &[u8]) -> push_beams::Result<()> {
    /// use push_beams::WebhookEventKind;
    ///
    /// let event = client.verify_webhook(headers, body)?;
    /// if let WebhookEventKind::UserNotificationOpen(open) = &event.kind {
    ///     println!("{} opened {}", open.user_id, open.publish_id);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when no webhook secret was configured; [`Error::Webhook`] when the
    /// signature is missing, not one hex value, or does not match; [`Error::Decode`] when a
    /// correctly signed body is not a Beams webhook.
    pub fn verify_webhook(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent> {
        let secret = self.inner.webhook_secret.as_ref().ok_or_else(|| {
            Error::config(
                "no webhook secret is configured: set it with ClientBuilder::webhook_secret",
            )
        })?;
        let signature = headers
            .get(SIGNATURE_HEADER)
            .ok_or_else(|| Error::webhook("the Webhook-Signature header is missing"))?
            .to_str()
            .map_err(|_| Error::webhook("Webhook-Signature is not hex"))?;
        validate_webhook(secret.expose().as_bytes(), signature, body)
    }
}

/// Verifies a webhook from its parts: `secret` is the webhook secret, `signature_hex` the
/// `Webhook-Signature` header's value and `body` the raw request body. The signature is
/// compared in constant time before the body is parsed. [`Client::verify_webhook`] does the
/// same from a request's headers with the secret the client was built with.
///
/// # Errors
/// [`Error::Webhook`] on a signature that is not hex or does not match; [`Error::Decode`] on
/// a correctly signed body that is not a Beams webhook.
pub fn validate_webhook(secret: &[u8], signature_hex: &str, body: &[u8]) -> Result<WebhookEvent> {
    let signature = hex::decode(signature_hex.trim())
        .map_err(|_| Error::webhook("Webhook-Signature is not hex"))?;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret)
        .map_err(|_| Error::webhook("unusable webhook secret"))?;
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| Error::webhook("Webhook-Signature does not match"))?;
    parse(body)
}

/// Reads a verified body into its event.
fn parse(body: &[u8]) -> Result<WebhookEvent> {
    let raw: Raw =
        serde_json::from_slice(body).map_err(|e| Error::decode(format!("webhook body: {e}")))?;
    let event_type = raw
        .metadata
        .get("event_type")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::decode("webhook body: metadata.event_type missing"))?
        .to_owned();
    let kind = match event_type.as_str() {
        "v1.PublishToUsersAttempt" => WebhookEventKind::PublishToUsersAttempt(typed(raw.payload)?),
        "v1.UserNotificationAcknowledgement" => {
            WebhookEventKind::UserNotificationAcknowledgement(typed(raw.payload)?)
        }
        "v1.UserNotificationOpen" => WebhookEventKind::UserNotificationOpen(typed(raw.payload)?),
        _ => WebhookEventKind::Other {
            event_type,
            payload: raw.payload,
        },
    };
    Ok(WebhookEvent {
        kind,
        metadata: raw.metadata,
        custom_data: raw.custom_data,
    })
}

/// A known event's payload as its type.
fn typed<T: serde::de::DeserializeOwned>(payload: Value) -> Result<T> {
    serde_json::from_value(payload).map_err(|e| Error::decode(format!("webhook payload: {e}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Every kind serialises as the event type and payload Beams sent, and reads back as the
    /// same value.
    #[test]
    fn events_serialise_as_their_type_and_payload_and_read_back() {
        let open = json!({"instance_id": "i", "publish_id": "p", "user_id": "u"});
        for (event_type, payload) in [
            ("v1.UserNotificationOpen", open.clone()),
            ("v1.UserNotificationAcknowledgement", open),
            (
                "v1.PublishToUsersAttempt",
                json!({"instance_id": "i", "publish_id": "p",
                       "users_delivered_to_gateway": ["a"], "users_no_devices": [],
                       "users_gateway_failed": ["b"]}),
            ),
            ("v2.Future", json!({"anything": [1, 2]})),
        ] {
            let body = json!({
                "payload": payload,
                "metadata": {"event_type": event_type, "event_id": "e"},
                "custom_data": {"k": 1},
            });
            let event = parse(body.to_string().as_bytes()).unwrap();
            let shown = serde_json::to_value(&event).unwrap();
            assert_eq!(
                shown,
                json!({"kind": {"event_type": event_type, "payload": payload},
                       "metadata": body["metadata"], "custom_data": {"k": 1}}),
                "{event_type}"
            );
            let back: WebhookEvent = serde_json::from_value(shown).unwrap();
            assert_eq!(back, event, "{event_type}");
        }
    }
}
