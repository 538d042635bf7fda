//! Webhooks: verification of what Channels posts to your server, and its typed events.
//!
//! The fields a client chose and the server only passes on (a client event's `data`, a user
//! id) are read whatever JSON they arrive as: Pusher documents strings, while soketi and
//! sockudo put a client event's `data` in as an object, and a presence `user_id` may be a
//! number. Such a field is exposed as text: a JSON string as it is, any other value as its
//! compact JSON (`{"a":1}`, `10`).

use std::fmt;

use push_core::{Error, Result, constant_time_eq};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::client::Client;
use crate::validate;

impl Client {
    /// Verifies a webhook from its `X-Pusher-Key` and `X-Pusher-Signature` headers and the
    /// raw body bytes, and returns its events. Encrypted `client_event` data is decrypted
    /// when a master key is configured.
    ///
    /// ```
    /// let client = push_channels::Client::builder("1", "278d425bdf160c739803", "7ad3773142a6692b25b8").build()?;
    /// let body = br#"{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"test-channel"}]}"#;
    /// let webhook = client.validate_webhook(
    ///     "278d425bdf160c739803",
    ///     "c7f99839c5df006529a61d1236687af10fae79eb1d4e701d644fab3e9e81f5e8",
    ///     body,
    /// )?;
    /// assert!(matches!(&webhook.events[0], push_channels::WebhookEvent::ChannelOccupied { channel } if channel == "test-channel"));
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Webhook`] when the key is not this app's, the signature does not match, the
    /// body is not a webhook, it is older than the configured maximum age, or an encrypted
    /// payload cannot be opened.
    pub fn validate_webhook(&self, key: &str, signature: &str, body: &[u8]) -> Result<Webhook> {
        let inner = &*self.inner;
        if !constant_time_eq(key.trim().as_bytes(), inner.key.as_bytes()) {
            return Err(Error::webhook("X-Pusher-Key is not this app's key"));
        }
        if !inner.secret.verify_hex(body, signature.trim()) {
            return Err(Error::webhook("X-Pusher-Signature does not match the body"));
        }
        let mut webhook: Webhook = serde_json::from_slice(body)
            .map_err(|e| Error::webhook(format!("the body is not a Channels webhook: {e}")))?;
        if let Some(max_age) = inner.webhook_max_age {
            let now = inner.clock.unix_millis();
            let sent = u128::from(webhook.time_ms);
            if now.abs_diff(sent) > max_age.as_millis() {
                return Err(Error::webhook(format!(
                    "the webhook's time_ms is {} s from now; at most {} s are accepted",
                    now.abs_diff(sent) / 1000,
                    max_age.as_secs()
                )));
            }
        }
        if let Some(key) = &inner.master_key {
            for event in &mut webhook.events {
                if let WebhookEvent::ClientEvent { channel, data, .. } = event
                    && validate::is_encrypted_channel(channel)
                {
                    let plain = key
                        .decrypt(channel, data)
                        .map_err(|e| Error::webhook(format!("client event on {channel}: {e}")))?;
                    *data = String::from_utf8(plain).map_err(|_| {
                        Error::webhook(format!("client event on {channel}: data is not UTF-8"))
                    })?;
                }
            }
        }
        Ok(webhook)
    }

    /// Verifies a webhook from the request's headers and raw body, as a web framework hands
    /// them over (`http::HeaderMap`, axum's `HeaderMap` extractor): `X-Pusher-Key` and
    /// `X-Pusher-Signature` are checked as [`validate_webhook`](Self::validate_webhook) does,
    /// and a `Content-Type`, when the request has one, must be JSON.
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue};
    ///
    /// let client = push_channels::Client::new("1", "278d425bdf160c739803", "7ad3773142a6692b25b8")?;
    /// let body = br#"{"time_ms":1700000000000,"events":[{"name":"channel_occupied","channel":"test-channel"}]}"#;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-pusher-key", HeaderValue::from_static("278d425bdf160c739803"));
    /// headers.insert(
    ///     "x-pusher-signature",
    ///     HeaderValue::from_static("c7f99839c5df006529a61d1236687af10fae79eb1d4e701d644fab3e9e81f5e8"),
    /// );
    /// headers.insert("content-type", HeaderValue::from_static("application/json"));
    /// let webhook = client.verify_webhook(&headers, body)?;
    /// assert_eq!(webhook.events.len(), 1);
    /// assert!(client.verify_webhook(&headers, b"{}").is_err());
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Webhook`] as [`validate_webhook`](Self::validate_webhook), and for a missing
    /// header or another content type.
    pub fn verify_webhook(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Webhook> {
        let header = |name: &str| -> Result<&str> {
            headers
                .get(name)
                .ok_or_else(|| Error::webhook(format!("the {name} header is missing")))?
                .to_str()
                .map_err(|_| Error::webhook(format!("the {name} header is not text")))
        };
        let (key, signature) = (header("x-pusher-key")?, header("x-pusher-signature")?);
        match headers.get(http::header::CONTENT_TYPE) {
            Some(content_type) => {
                let content_type = content_type.to_str().unwrap_or_default();
                self.validate_webhook_with_content_type(content_type, key, signature, body)
            }
            None => self.validate_webhook(key, signature, body),
        }
    }

    /// [`validate_webhook`](Self::validate_webhook) that also checks the `Content-Type`
    /// header is JSON (`application/json`, parameters such as `charset` allowed).
    ///
    /// # Errors
    /// As [`validate_webhook`](Self::validate_webhook), and for another content type.
    pub fn validate_webhook_with_content_type(
        &self,
        content_type: &str,
        key: &str,
        signature: &str,
        body: &[u8],
    ) -> Result<Webhook> {
        if !is_json_content_type(content_type) {
            return Err(Error::webhook(format!(
                "Content-Type {content_type:?} is not application/json"
            )));
        }
        self.validate_webhook(key, signature, body)
    }
}

/// Reads any JSON value as text: a string as it is, anything else as its compact JSON, keys
/// in the order the server wrote them.
fn text<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    Ok(JsonText::deserialize(de)?.into_text())
}

/// [`text`] for an optional field (`null` and absent are `None`).
fn optional_text<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(match JsonText::deserialize(de)? {
        JsonText::Json(json) if json == "null" => None,
        other => Some(other.into_text()),
    })
}

/// A JSON value read back as text, whatever deserializer carries it (an internally tagged
/// enum buffers its fields, so a raw slice of the body is not available there).
enum JsonText {
    /// A JSON string, unescaped.
    Str(String),
    /// Any other value, as compact JSON.
    Json(String),
}

impl JsonText {
    fn into_text(self) -> String {
        match self {
            Self::Str(s) | Self::Json(s) => s,
        }
    }

    /// The value as JSON text (a string quoted again).
    fn into_json(self) -> String {
        match self {
            Self::Str(s) => serde_json::to_string(&s).unwrap_or_default(),
            Self::Json(json) => json,
        }
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(JsonTextVisitor)
    }
}

struct JsonTextVisitor;

impl<'de> Visitor<'de> for JsonTextVisitor {
    type Value = JsonText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<JsonText, E> {
        Ok(JsonText::Json(v.to_string()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<JsonText, E> {
        Ok(JsonText::Json(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<JsonText, E> {
        Ok(JsonText::Json(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<JsonText, E> {
        // serde_json's own formatting (and `null` for what JSON cannot hold).
        Ok(JsonText::Json(
            serde_json::to_string(&v).unwrap_or_else(|_| "null".to_owned()),
        ))
    }

    fn visit_str<E>(self, v: &str) -> Result<JsonText, E> {
        Ok(JsonText::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<JsonText, E> {
        Ok(JsonText::Str(v))
    }

    fn visit_unit<E>(self) -> Result<JsonText, E> {
        Ok(JsonText::Json("null".to_owned()))
    }

    fn visit_none<E>(self) -> Result<JsonText, E> {
        Ok(JsonText::Json("null".to_owned()))
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<JsonText, D::Error> {
        JsonText::deserialize(de)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonText, A::Error> {
        let mut out = String::from("[");
        while let Some(item) = seq.next_element::<JsonText>()? {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&item.into_json());
        }
        out.push(']');
        Ok(JsonText::Json(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonText, A::Error> {
        let mut out = String::from("{");
        while let Some((key, value)) = map.next_entry::<String, JsonText>()? {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(&key).unwrap_or_default());
            out.push(':');
            out.push_str(&value.into_json());
        }
        out.push('}');
        Ok(JsonText::Json(out))
    }
}

/// Reads a count given as a JSON number or as a string of digits.
fn count<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    match Value::deserialize(de)? {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a count"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a count"))),
        other => Err(serde::de::Error::custom(format!("{other} is not a count"))),
    }
}

/// A verified webhook: when Channels sent it and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Webhook {
    /// When Channels created the webhook, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// The events, in order.
    pub events: Vec<WebhookEvent>,
}

/// One event of a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "name", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookEvent {
    /// A channel got its first subscriber.
    ChannelOccupied {
        /// The channel.
        channel: String,
    },
    /// A channel lost its last subscriber.
    ChannelVacated {
        /// The channel.
        channel: String,
    },
    /// A user joined a presence channel.
    MemberAdded {
        /// The channel.
        channel: String,
        /// The user (a numeric id arrives as its digits).
        #[serde(deserialize_with = "text")]
        user_id: String,
    },
    /// A user left a presence channel.
    MemberRemoved {
        /// The channel.
        channel: String,
        /// The user (a numeric id arrives as its digits).
        #[serde(deserialize_with = "text")]
        user_id: String,
    },
    /// A client sent an event on a private or presence channel. On an encrypted channel
    /// `data` is the decrypted text when the client has the master key.
    ClientEvent {
        /// The channel.
        channel: String,
        /// The client event's name.
        event: String,
        /// The event's data as text: a JSON string as it is, any other JSON value (soketi
        /// and sockudo send an object) as its compact JSON.
        #[serde(deserialize_with = "text")]
        data: String,
        /// The sending connection.
        #[serde(default)]
        socket_id: Option<String>,
        /// The sending user (presence channels; a numeric id arrives as its digits).
        #[serde(default, deserialize_with = "optional_text")]
        user_id: Option<String>,
    },
    /// A client subscribed to a cache channel that had no cached event.
    CacheMiss {
        /// The channel.
        channel: String,
    },
    /// The number of subscriptions of a channel changed.
    SubscriptionCount {
        /// The channel.
        channel: String,
        /// The new count (a number, or a string of digits).
        #[serde(deserialize_with = "count")]
        subscription_count: u64,
    },
    /// An event type this version does not know.
    #[serde(other)]
    Unknown,
}

/// Whether a `Content-Type` value is JSON: `application/json`, any case, with or without
/// parameters such as `charset`.
pub(crate) fn is_json_content_type(value: &str) -> bool {
    let media_type = value.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any JSON value read back as text is its compact JSON (serde_json's own for a map whose
    /// keys it already sorts), and a string is itself.
    #[test]
    fn json_text_is_compact_json_in_the_order_written() {
        for json in [
            r#"{"a":1,"b":[true,null,2.5,-3,"x\"y"],"c":{"d":"é\n"}}"#,
            "[]",
            "{}",
            "0",
            "1e300",
            "-0.5",
            "18446744073709551615",
        ] {
            let value: Value = serde_json::from_str(json).unwrap();
            let text = text(&mut serde_json::Deserializer::from_str(json)).unwrap();
            assert_eq!(text, serde_json::to_string(&value).unwrap(), "{json}");
        }
        let spaced = text(&mut serde_json::Deserializer::from_str(
            r#"{ "z" : 1 , "a" : [ 1 ] }"#,
        ));
        assert_eq!(spaced.unwrap(), r#"{"z":1,"a":[1]}"#);
        let string = text(&mut serde_json::Deserializer::from_str(r#""say \"hi\"""#));
        assert_eq!(string.unwrap(), r#"say "hi""#);
    }
}
