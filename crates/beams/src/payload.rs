//! Typed publish bodies.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// APNs part of a publish (`apns`). Serialises with its keys in sorted order (a key set with
/// [`Apns::field`] replaces `aps` or `data` of the same name).
#[derive(Debug, Clone, Default)]
pub struct Apns {
    aps: Map<String, Value>,
    data: Map<String, Value>,
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

/// FCM part of a publish (`fcm`). Serialises with its keys in sorted order.
#[derive(Debug, Clone, Default)]
pub struct Fcm {
    notification: Map<String, Value>,
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

/// Web push part of a publish (`web`). Serialises with its keys in sorted order.
#[derive(Debug, Clone, Default)]
pub struct Web {
    notification: Map<String, Value>,
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

    /// The body object without the audience key, serialised once, keys in sorted order.
    pub(crate) fn to_json(&self) -> push_core::Result<Vec<u8>> {
        let mut entries = Vec::with_capacity(4 + self.extra.len());
        if let Some(apns) = &self.apns {
            entries.push(("apns", Entry::Apns(apns)));
        }
        if let Some(fcm) = &self.fcm {
            entries.push(("fcm", Entry::Platform(&fcm.notification, &fcm.data)));
        }
        if let Some(web) = &self.web {
            entries.push(("web", Entry::Platform(&web.notification, &web.data)));
        }
        if let Some(url) = &self.webhook_url {
            entries.push(("webhookUrl", Entry::Str(url)));
        }
        entries.extend(
            self.extra
                .iter()
                .map(|(k, v)| (k.as_str(), Entry::Value(v))),
        );
        let entries = Sorted::new(entries);
        if !entries.has_any(&["apns", "fcm", "web"]) {
            return Err(push_core::Error::invalid_input(
                "body",
                "at least one of apns, fcm or web is required",
            ));
        }
        if let Some(web) = entries.get("web") {
            check_web(web)?;
        }
        for k in ["interests", "users"] {
            if entries.has_any(&[k]) {
                return Err(push_core::Error::invalid_input(
                    "body",
                    format!("the audience key {k:?} is set by the publish call"),
                ));
            }
        }
        serde_json::to_vec(&entries)
            .map_err(|e| push_core::Error::invalid_input("body", e.to_string()))
    }
}

impl Serialize for Apns {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Entry::Apns(self).serialize(serializer)
    }
}

impl Serialize for Fcm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Entry::Platform(&self.notification, &self.data).serialize(serializer)
    }
}

impl Serialize for Web {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Entry::Platform(&self.notification, &self.data).serialize(serializer)
    }
}

/// A value in a payload object, borrowed for serialisation.
#[derive(Clone, Copy)]
enum Entry<'a> {
    Value(&'a Value),
    Str(&'a str),
    Map(&'a Map<String, Value>),
    Apns(&'a Apns),
    /// FCM and web: `notification` and `data`, each left out when empty.
    Platform(&'a Map<String, Value>, &'a Map<String, Value>),
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::Value(value) => value.serialize(serializer),
            Self::Str(text) => serializer.serialize_str(text),
            Self::Map(map) => map.serialize(serializer),
            Self::Apns(apns) => {
                let mut entries = Vec::with_capacity(2 + apns.other.len());
                entries.push(("aps", Self::Map(&apns.aps)));
                if !apns.data.is_empty() {
                    entries.push(("data", Self::Map(&apns.data)));
                }
                entries.extend(apns.other.iter().map(|(k, v)| (k.as_str(), Self::Value(v))));
                Sorted::new(entries).serialize(serializer)
            }
            Self::Platform(notification, data) => {
                let mut entries = Vec::with_capacity(2);
                // In sorted order already.
                if !data.is_empty() {
                    entries.push(("data", Self::Map(data)));
                }
                if !notification.is_empty() {
                    entries.push(("notification", Self::Map(notification)));
                }
                Sorted(entries).serialize(serializer)
            }
        }
    }
}

/// Object entries in key order, a later entry replacing an earlier one of the same key: the
/// object a JSON map with sorted keys would hold, written without building that map.
struct Sorted<'a>(Vec<(&'a str, Entry<'a>)>);

impl<'a> Sorted<'a> {
    fn new(mut entries: Vec<(&'a str, Entry<'a>)>) -> Self {
        // Stable: among equal keys the later entry stays last, and is the one kept.
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut kept: Vec<(&'a str, Entry<'a>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        Self(kept)
    }

    fn has_any(&self, keys: &[&str]) -> bool {
        self.0.iter().any(|(k, _)| keys.contains(k))
    }

    fn get(&self, key: &str) -> Option<Entry<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// The longest `web.time_to_live` Beams documents (4 weeks, in seconds).
pub(crate) const MAX_WEB_TTL: u64 = 2_419_200;

/// The two limits Beams documents for the web format: `time_to_live` at most
/// [`MAX_WEB_TTL`], and no `pusher` key in `data` (Beams keeps its own metadata there).
fn check_web(web: Entry<'_>) -> push_core::Result<()> {
    let (data, ttl) = match web {
        Entry::Platform(_, data) => (Some(data), None),
        Entry::Value(Value::Object(web)) => (
            web.get("data").and_then(Value::as_object),
            web.get("time_to_live"),
        ),
        _ => (None, None),
    };
    if data.is_some_and(|data| data.contains_key("pusher")) {
        return Err(push_core::Error::invalid_input(
            "web.data",
            "must not hold the key \"pusher\" (Beams keeps its own metadata there)",
        ));
    }
    // Only a number past the limit: other values are for Beams to judge.
    if let Some(ttl) = ttl.and_then(Value::as_f64)
        && ttl > MAX_WEB_TTL as f64
    {
        return Err(push_core::Error::invalid_input(
            "web.time_to_live",
            format!("{ttl} seconds; Beams keeps a web notification at most {MAX_WEB_TTL}"),
        ));
    }
    Ok(())
}

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
