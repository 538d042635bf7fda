//! What the sandbox holds: senders, projects, subscriptions and notifications as the JSON
//! objects the API answers with, and the times it writes into them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime};

use super::{SANDBOX_PROJECT_ID, SANDBOX_SENDER_ID};
use crate::encode::api_time_text;

/// Every resource by id; ids come from one counter, as unique across kinds as the API's.
#[derive(Default)]
pub(super) struct Store {
    next_id: u64,
    pub(super) senders: BTreeMap<u64, Map<String, Value>>,
    pub(super) projects: BTreeMap<u64, Map<String, Value>>,
    pub(super) subscriptions: BTreeMap<u64, Map<String, Value>>,
    pub(super) notifications: BTreeMap<u64, Map<String, Value>>,
}

impl Store {
    /// The sandbox sender and the sandbox project; new ids start above 100.
    pub(super) fn seeded() -> Self {
        let mut store = Self {
            next_id: 100,
            ..Self::default()
        };
        let now = now();
        store.senders.insert(
            SANDBOX_SENDER_ID,
            obj(json!({
                "id": SANDBOX_SENDER_ID, "name": "Sandbox sender",
                "vapid_private_key": "-----BEGIN EC PRIVATE KEY----- sandbox -----END EC PRIVATE KEY-----",
                "vapid_public_key": "-----BEGIN PUBLIC KEY----- sandbox -----END PUBLIC KEY-----",
                "created_at": now,
            })),
        );
        store.projects.insert(
            SANDBOX_PROJECT_ID,
            obj(json!({
                "id": SANDBOX_PROJECT_ID, "sender_id": SANDBOX_SENDER_ID,
                "name": "Sandbox project", "website": "https://example.com",
                "icon_url": null, "badge_url": null, "notifications_ttl": 604800,
                "notifications_require_interaction": false, "notifications_silent": false,
                "created_at": now,
            })),
        );
        store
    }

    /// A fresh id.
    pub(super) fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A subscription as a browser would have made it.
    pub(super) fn seed_subscription(
        &mut self,
        project_id: u64,
        uid: Option<&str>,
        tags: &[&str],
    ) -> u64 {
        let id = self.id();
        let sub = obj(json!({
            "id": id, "project_id": project_id,
            "endpoint": format!("https://push.example.com/sandbox/{id}"),
            "p256dh": null, "auth": null, "uid": uid, "tags": tags,
            "last_click_at": null, "created_at": now(),
        }));
        self.subscriptions.insert(id, sub);
        id
    }
}

/// The object inside `v` (empty for anything else).
pub(super) fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The strings of a JSON array of strings; `None` for anything else.
pub(super) fn string_array(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// Now, as the API writes times.
pub(super) fn now() -> Value {
    time_value(OffsetDateTime::now_utc())
}

/// `t` as the API writes times (`2016-07-06T10:58:39.192Z`).
pub(super) fn time_value(t: OffsetDateTime) -> Value {
    api_time_text(t).map_or(Value::Null, Value::String)
}

/// A `send_at` as the API takes it: ISO 8601 with `Z` or an offset, or without one (UTC, as
/// the 1.x SDKs send `2016-07-25T10:09`).
pub(super) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
        .or_else(|_| PrimitiveDateTime::parse(text, &Iso8601::DEFAULT).map(|t| t.assume_utc()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Option<String> {
        parse_time(text).and_then(api_time_text)
    }

    #[test]
    fn times_are_read_in_every_form_the_api_takes() {
        assert_eq!(
            shown("2016-07-06T10:58:39.192Z").as_deref(),
            Some("2016-07-06T10:58:39.192Z")
        );
        assert_eq!(
            parse_time("2030-01-02T03:04:05Z"),
            parse_time("2030-01-02T05:04:05+02:00")
        );
        assert!(parse_time("2030-01-02T03:04:05Z").is_some());
        assert_eq!(
            shown("2016-07-25T10:09").as_deref(),
            Some("2016-07-25T10:09:00.000Z")
        );
        assert_eq!(
            shown("2016-07-25T10:09:30").as_deref(),
            Some("2016-07-25T10:09:30.000Z")
        );
        for bad in [
            "",
            "2016-07-25",
            "2016-13-01T00:00Z",
            "2016-07-25T10:09:00.Z",
            "x016-07-25T10:09Z",
            "tomorrow",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
