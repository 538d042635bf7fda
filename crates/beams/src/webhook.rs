//! Webhook verification and typed events.

use hmac::{Hmac, Mac};
use push_core::{Error, Result};
use serde::Deserialize;
use sha1::Sha1;

/// A verified Beams webhook event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", content = "payload")]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `v1.PublishToUsersAttempt`: result of a publish to users.
    #[serde(rename = "v1.PublishToUsersAttempt")]
    PublishToUsersAttempt(serde_json::Value),
    /// `v1.UserNotificationAcknowledgement`: a device received a notification.
    #[serde(rename = "v1.UserNotificationAcknowledgement")]
    UserNotificationAcknowledgement(serde_json::Value),
    /// `v1.UserNotificationOpen`: a user opened a notification.
    #[serde(rename = "v1.UserNotificationOpen")]
    UserNotificationOpen(serde_json::Value),
}

/// Checks `Webhook-Signature` (hex HMAC-SHA1 of the raw body keyed with the webhook secret)
/// in constant time, then parses the event.
///
/// # Errors
/// [`Error::Webhook`]-kind error on a bad signature, [`Error::Decode`]-kind on a bad body.
pub fn validate_webhook(secret: &[u8], signature_hex: &str, body: &[u8]) -> Result<WebhookEvent> {
    let sig = hex::decode(signature_hex.trim())
        .map_err(|_| Error::webhook("Webhook-Signature is not hex"))?;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret)
        .map_err(|_| Error::webhook("unusable webhook secret"))?;
    mac.update(body);
    mac.verify_slice(&sig)
        .map_err(|_| Error::webhook("Webhook-Signature does not match"))?;
    serde_json::from_slice(body).map_err(|e| Error::decode(format!("webhook body: {e}")))
}
