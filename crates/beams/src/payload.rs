//! Typed publish bodies.

use serde::Serialize;
use serde_json::{Map, Value};

/// APNs part of a publish (`apns`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Apns {
    aps: Map<String, Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    data: Map<String, Value>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

impl Apns {
    /// An empty APNs payload.
    pub fn new() -> Self {
        Self::default()
    }
    /// `aps.alert` with title and body.
    pub fn alert(mut self, title: impl Into<String>, body: impl Into<String>) -> Self {
        self.aps.insert(
            "alert".into(),
            serde_json::json!({"title": title.into(), "body": body.into()}),
        );
        self
    }
    /// `aps.badge`.
    pub fn badge(mut self, badge: u32) -> Self {
        self.aps.insert("badge".into(), badge.into());
        self
    }
    /// `aps.sound`.
    pub fn sound(mut self, sound: impl Into<String>) -> Self {
        self.aps.insert("sound".into(), Value::String(sound.into()));
        self
    }
    /// Any other `aps` field.
    pub fn aps_field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.aps.insert(key.into(), value);
        self
    }
    /// A key beside `aps` (e.g. `collapse_id`, `expiration`, `priority`, `pusher`).
    pub fn field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.other.insert(key.into(), value);
        self
    }
    /// A custom data entry under `apns.data` (Beams only delivers custom data from there).
    pub fn data(mut self, key: impl Into<String>, value: Value) -> Self {
        self.data.insert(key.into(), value);
        self
    }
}

/// FCM part of a publish (`fcm`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fcm {
    #[serde(skip_serializing_if = "Map::is_empty")]
    notification: Map<String, Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    data: Map<String, Value>,
}

impl Fcm {
    /// An empty FCM payload.
    pub fn new() -> Self {
        Self::default()
    }
    /// `notification.title` and `notification.body`.
    pub fn notification(mut self, title: impl Into<String>, body: impl Into<String>) -> Self {
        self.notification
            .insert("title".into(), Value::String(title.into()));
        self.notification
            .insert("body".into(), Value::String(body.into()));
        self
    }
    /// Any other `notification` field.
    pub fn notification_field(mut self, key: impl Into<String>, value: Value) -> Self {
        self.notification.insert(key.into(), value);
        self
    }
    /// A `data` entry.
    pub fn data(mut self, key: impl Into<String>, value: Value) -> Self {
        self.data.insert(key.into(), value);
        self
    }
}

/// Web push part of a publish (`web`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Web {
    #[serde(skip_serializing_if = "Map::is_empty")]
    notification: Map<String, Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    data: Map<String, Value>,
}

impl Web {
    /// An empty web payload.
    pub fn new() -> Self {
        Self::default()
    }
    fn set(mut self, key: &str, value: Value) -> Self {
        self.notification.insert(key.into(), value);
        self
    }
    /// `notification.title`.
    pub fn title(self, v: impl Into<String>) -> Self {
        self.set("title", Value::String(v.into()))
    }
    /// `notification.body`.
    pub fn body(self, v: impl Into<String>) -> Self {
        self.set("body", Value::String(v.into()))
    }
    /// `notification.icon`.
    pub fn icon(self, v: impl Into<String>) -> Self {
        self.set("icon", Value::String(v.into()))
    }
    /// `notification.deep_link`.
    pub fn deep_link(self, v: impl Into<String>) -> Self {
        self.set("deep_link", Value::String(v.into()))
    }
    /// `notification.hide_notification_if_site_has_focus`.
    pub fn hide_notification_if_site_has_focus(self, v: bool) -> Self {
        self.set("hide_notification_if_site_has_focus", Value::Bool(v))
    }
    /// A `data` entry.
    pub fn data(mut self, key: impl Into<String>, value: Value) -> Self {
        self.data.insert(key.into(), value);
        self
    }
}

/// The notification part of a publish: at least one of `apns`, `fcm`, `web`.
#[derive(Debug, Clone, Default)]
pub struct PublishRequest {
    pub(crate) apns: Option<Apns>,
    pub(crate) fcm: Option<Fcm>,
    pub(crate) web: Option<Web>,
    pub(crate) webhook_url: Option<String>,
    pub(crate) extra: Map<String, Value>,
}

impl PublishRequest {
    /// An empty request (add at least one platform).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the APNs payload.
    pub fn apns(mut self, apns: Apns) -> Self {
        self.apns = Some(apns);
        self
    }
    /// Sets the FCM payload.
    pub fn fcm(mut self, fcm: Fcm) -> Self {
        self.fcm = Some(fcm);
        self
    }
    /// Sets the web payload.
    pub fn web(mut self, web: Web) -> Self {
        self.web = Some(web);
        self
    }
    /// `webhookUrl`.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }
    /// Escape hatch: merges the keys of a raw JSON object into the body (overriding typed
    /// fields of the same name). A raw `apns`/`fcm`/`web` key counts as a platform.
    pub fn raw(mut self, value: Value) -> Self {
        if let Value::Object(map) = value {
            self.extra.extend(map);
        }
        self
    }

    /// The body object without the audience key.
    pub(crate) fn to_map(&self) -> push_core::Result<Map<String, Value>> {
        let mut map = Map::new();
        let enc = |v: serde_json::Result<Value>| {
            v.map_err(|e| push_core::Error::invalid_input("body", e.to_string()))
        };
        if let Some(a) = &self.apns {
            map.insert("apns".into(), enc(serde_json::to_value(a))?);
        }
        if let Some(f) = &self.fcm {
            map.insert("fcm".into(), enc(serde_json::to_value(f))?);
        }
        if let Some(w) = &self.web {
            map.insert("web".into(), enc(serde_json::to_value(w))?);
        }
        if let Some(u) = &self.webhook_url {
            map.insert("webhookUrl".into(), Value::String(u.clone()));
        }
        for (k, v) in &self.extra {
            map.insert(k.clone(), v.clone());
        }
        if !["apns", "fcm", "web"].iter().any(|k| map.contains_key(*k)) {
            return Err(push_core::Error::invalid_input(
                "body",
                "at least one of apns, fcm or web is required",
            ));
        }
        for k in ["interests", "users"] {
            if map.contains_key(k) {
                return Err(push_core::Error::invalid_input(
                    "body",
                    format!("the audience key {k:?} is set by the publish call"),
                ));
            }
        }
        Ok(map)
    }
}
