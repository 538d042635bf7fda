//! Webhook verification and typed events.
//!
//! Beams signs each webhook with `Webhook-Signature`: the hex HMAC-SHA1 of the raw request
//! body keyed with the webhook secret. The body is
//! `{"payload": {...}, "metadata": {"event_type", "created_at", "event_id", "product"}, "custom_data": {...}}`.

use hmac::{Hmac, Mac};
use push_core::{Error, Result};
use serde::Deserialize;
use serde_json::Value;
use sha1::Sha1;

/// Payload of `v1.PublishToUsersAttempt`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEventKind {
    /// `v1.PublishToUsersAttempt`.
    PublishToUsersAttempt(PublishToUsersAttempt),
    /// `v1.UserNotificationAcknowledgement`: a device received a notification.
    UserNotificationAcknowledgement(UserNotification),
    /// `v1.UserNotificationOpen`: a user opened a notification.
    UserNotificationOpen(UserNotification),
    /// An event type this version does not model; the raw payload is kept.
    Other {
        /// `metadata.event_type`.
        event_type: String,
        /// The raw `payload`.
        payload: Value,
    },
}

/// A verified Beams webhook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The typed event.
    pub kind: WebhookEventKind,
    /// `metadata` (`created_at`, `event_type`, `event_id`, `product`).
    pub metadata: Value,
    /// `custom_data`, when present.
    pub custom_data: Option<Value>,
}

#[derive(Deserialize)]
struct Raw {
    payload: Value,
    metadata: Value,
    #[serde(default)]
    custom_data: Option<Value>,
}

/// Verifies `Webhook-Signature` in constant time, then parses the event.
///
/// `signature_hex` is the header's value, `body` the raw request body (before any parsing).
///
/// # Errors
/// A webhook error ([`Error::is_webhook`]) on a missing or wrong signature; a decode error on a
/// body that is not a Beams webhook.
pub fn validate_webhook(secret: &[u8], signature_hex: &str, body: &[u8]) -> Result<WebhookEvent> {
    let sig = hex::decode(signature_hex.trim())
        .map_err(|_| Error::webhook("Webhook-Signature is not hex"))?;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret)
        .map_err(|_| Error::webhook("unusable webhook secret"))?;
    mac.update(body);
    mac.verify_slice(&sig)
        .map_err(|_| Error::webhook("Webhook-Signature does not match"))?;
    let raw: Raw =
        serde_json::from_slice(body).map_err(|e| Error::decode(format!("webhook body: {e}")))?;
    let event_type = raw
        .metadata
        .get("event_type")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::decode("webhook body: metadata.event_type missing"))?
        .to_owned();
    let de = |e: serde_json::Error| Error::decode(format!("webhook payload: {e}"));
    let kind = match event_type.as_str() {
        "v1.PublishToUsersAttempt" => WebhookEventKind::PublishToUsersAttempt(
            serde_json::from_value(raw.payload).map_err(de)?,
        ),
        "v1.UserNotificationAcknowledgement" => WebhookEventKind::UserNotificationAcknowledgement(
            serde_json::from_value(raw.payload).map_err(de)?,
        ),
        "v1.UserNotificationOpen" => {
            WebhookEventKind::UserNotificationOpen(serde_json::from_value(raw.payload).map_err(de)?)
        }
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
