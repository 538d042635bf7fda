//! A local stand-in for the Pushpad REST API (feature `sandbox`).
//!
//! [`Sandbox::start`] serves `/api/v1` on `127.0.0.1` with an ephemeral port: notifications,
//! subscriptions, projects and senders, with the documented statuses (201 on create, 204 on
//! cancel and most deletes, 202 on project delete), pages and `X-Total-Count`. It checks the
//! bearer token, validates what the service validates (422 with `{"errors":{field:[..]}}`),
//! evaluates tag expressions (`!`, `&&`, `||`, parentheses) against the subscriptions it holds to
//! answer `scheduled` and `uids`, and records every notification it accepted, in order.
//!
//! ```
//! use push_pushpad::NewNotification;
//! use push_pushpad::sandbox::{SANDBOX_PROJECT_ID, Sandbox};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> push_pushpad::Result<()> {
//! let sandbox = Sandbox::start().await?;
//! sandbox.seed_subscription(SANDBOX_PROJECT_ID, Some("user-1"), &["sports"]);
//! let client = sandbox.client()?;
//! let result = client
//!     .notifications()
//!     .create(&NewNotification::new("Hello").uids(["user-1", "user-2"]))
//!     .await?;
//! assert_eq!(result.scheduled, Some(1));
//! assert_eq!(sandbox.notifications()[0].request["body"], "Hello");
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use push_core::sandbox::{Fault, Recorder, SandboxRequest, SandboxResponse, SandboxServer};
use push_core::{Result, constant_time_eq};
use serde_json::{Map, Value, json};

/// The auth token the sandbox accepts unless told otherwise.
pub const SANDBOX_TOKEN: &str = "sandbox-token";
/// The id of the project the sandbox starts with.
pub const SANDBOX_PROJECT_ID: u64 = 1;
/// The id of the sender the sandbox starts with.
pub const SANDBOX_SENDER_ID: u64 = 1;

/// Notifications per page of `GET /projects/{id}/notifications`.
pub const NOTIFICATIONS_PER_PAGE: usize = 20;
/// Subscriptions per page when `per_page` is not given.
pub const DEFAULT_SUBSCRIPTIONS_PER_PAGE: usize = 30;
/// How far ahead `send_at` may be.
pub const MAX_SCHEDULE_AHEAD: Duration = Duration::from_secs(5 * 24 * 3600);

/// A notification the sandbox accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedNotification {
    /// The id it answered with.
    pub id: u64,
    /// The project it was created in.
    pub project_id: u64,
    /// The JSON body received.
    pub request: Value,
    /// How many subscriptions it reached (0 when scheduled).
    pub scheduled: u64,
}

#[derive(Default)]
struct Store {
    next_id: u64,
    senders: BTreeMap<u64, Map<String, Value>>,
    projects: BTreeMap<u64, Map<String, Value>>,
    subscriptions: BTreeMap<u64, Map<String, Value>>,
    notifications: BTreeMap<u64, Map<String, Value>>,
}

impl Store {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// A running Pushpad sandbox. Stops when the last clone is dropped.
#[derive(Clone)]
pub struct Sandbox {
    server: SandboxServer,
    token: String,
    store: Arc<Mutex<Store>>,
    notifications: Recorder<RecordedNotification>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.server.url())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox accepting [`SANDBOX_TOKEN`], holding sender [`SANDBOX_SENDER_ID`] and
    /// project [`SANDBOX_PROJECT_ID`].
    pub async fn start() -> Result<Self> {
        Self::start_with(SANDBOX_TOKEN).await
    }

    /// Starts a sandbox accepting `token`.
    pub async fn start_with(token: &str) -> Result<Self> {
        let mut store = Store {
            next_id: 100,
            ..Store::default()
        };
        let now = iso8601(SystemTime::now());
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
        let store = Arc::new(Mutex::new(store));
        let notifications = Recorder::default();
        let bearer = format!("Bearer {token}");
        let legacy = format!("Token token=\"{token}\"");
        let (s, n) = (store.clone(), notifications.clone());
        let server = SandboxServer::start(move |req| {
            let authorized = req.header("authorization").is_some_and(|given| {
                constant_time_eq(given.as_bytes(), bearer.as_bytes())
                    || constant_time_eq(given.as_bytes(), legacy.as_bytes())
            });
            if !authorized {
                return SandboxResponse::json(401, &json!({"error": "Unauthorized"}));
            }
            let mut store = s.lock().unwrap_or_else(PoisonError::into_inner);
            route(&mut store, &n, &req)
        })
        .await?;
        Ok(Self {
            server,
            token: token.to_owned(),
            store,
            notifications,
        })
    }

    /// `http://127.0.0.1:{port}/api/v1`: the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("{}/api/v1", self.server.url())
    }

    /// The token it accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A builder for a client of this sandbox (token, base URL and project
    /// [`SANDBOX_PROJECT_ID`] set), to adjust before building.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder(self.token.clone())
            .project_id(SANDBOX_PROJECT_ID)
            .base_url(self.base_url())
    }

    /// A client configured for this sandbox.
    pub fn client(&self) -> Result<crate::Client> {
        self.client_builder().build()
    }

    /// Every notification accepted so far, in order.
    pub fn notifications(&self) -> Vec<RecordedNotification> {
        self.notifications.all()
    }

    /// Adds a subscription to `project_id` (as if a browser had subscribed) and returns its id.
    pub fn seed_subscription(&self, project_id: u64, uid: Option<&str>, tags: &[&str]) -> u64 {
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let id = store.id();
        let sub = obj(json!({
            "id": id, "project_id": project_id,
            "endpoint": format!("https://push.example.com/sandbox/{id}"),
            "p256dh": null, "auth": null, "uid": uid, "tags": tags,
            "last_click_at": null, "created_at": iso8601(SystemTime::now()),
        }));
        store.subscriptions.insert(id, sub);
        id
    }

    /// Answers each of the next `count` requests with `fault` (e.g. 503 with `Retry-After`).
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.server.fail_next(count, fault);
    }

    /// How many requests reached the sandbox, refused and faulted ones included.
    pub fn requests_seen(&self) -> usize {
        self.server.requests_seen()
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn not_found() -> SandboxResponse {
    SandboxResponse::json(404, &json!({"error": "Not Found"}))
}

fn invalid(field: &str, message: &str) -> SandboxResponse {
    SandboxResponse::json(422, &json!({"errors": {field: [message]}}))
}

fn created(v: &Map<String, Value>) -> SandboxResponse {
    SandboxResponse::json(201, &Value::Object(v.clone()))
}

fn ok(v: &Value) -> SandboxResponse {
    SandboxResponse::json(200, v)
}

/// Whether `v` is missing, not a string, or a blank string.
fn blank(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_none_or(|s| s.trim().is_empty())
}

fn route(
    store: &mut Store,
    recorder: &Recorder<RecordedNotification>,
    req: &SandboxRequest,
) -> SandboxResponse {
    let segments = req.path_segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let ["api", "v1", rest @ ..] = segs.as_slice() else {
        return not_found();
    };
    let id = |s: &str| s.parse::<u64>().ok();
    let body = || -> Result<Map<String, Value>, SandboxResponse> {
        match serde_json::from_slice::<Value>(&req.body) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(SandboxResponse::json(
                400,
                &json!({"error": "The request body must be a JSON object"}),
            )),
        }
    };
    macro_rules! body {
        () => {
            match body() {
                Ok(b) => b,
                Err(resp) => return resp,
            }
        };
    }
    match (req.method.as_str(), rest) {
        ("POST", ["projects", pid, "notifications"]) => match id(pid) {
            Some(pid) if store.projects.contains_key(&pid) => {
                create_notification(store, recorder, pid, body!())
            }
            _ => not_found(),
        },
        ("GET", ["projects", pid, "notifications"]) => match id(pid) {
            Some(pid) if store.projects.contains_key(&pid) => {
                let page = page_param(req, "page", 1);
                let mut list: Vec<Value> = store
                    .notifications
                    .values()
                    .filter(|n| n["project_id"] == json!(pid))
                    .map(|n| Value::Object(n.clone()))
                    .collect();
                list.reverse(); // newest first
                ok(&Value::Array(paginate(list, page, NOTIFICATIONS_PER_PAGE)))
            }
            _ => not_found(),
        },
        ("GET", ["notifications", nid]) => {
            match id(nid).and_then(|n| store.notifications.get(&n)) {
                Some(n) => ok(&Value::Object(n.clone())),
                None => not_found(),
            }
        }
        ("DELETE", ["notifications", nid, "cancel"]) => {
            match id(nid).and_then(|n| store.notifications.get_mut(&n)) {
                Some(n) if n["scheduled"] == json!(true) => {
                    n.insert("cancelled".into(), json!(true));
                    n.insert("scheduled".into(), json!(false));
                    SandboxResponse::empty(204)
                }
                Some(_) => invalid("base", "only scheduled notifications can be cancelled"),
                None => not_found(),
            }
        }
        ("GET" | "HEAD", ["projects", pid, "subscriptions"]) => match id(pid) {
            Some(pid) if store.projects.contains_key(&pid) => list_subscriptions(store, pid, req),
            _ => not_found(),
        },
        ("POST", ["projects", pid, "subscriptions"]) => match id(pid) {
            Some(pid) if store.projects.contains_key(&pid) => {
                create_subscription(store, pid, &body!())
            }
            _ => not_found(),
        },
        (method, ["projects", pid, "subscriptions", sid]) => {
            let (Some(pid), Some(sid)) = (id(pid), id(sid)) else {
                return not_found();
            };
            if !store
                .subscriptions
                .get(&sid)
                .is_some_and(|s| s["project_id"] == json!(pid))
            {
                return not_found();
            }
            match method {
                "GET" => ok(&Value::Object(store.subscriptions[&sid].clone())),
                "PATCH" => {
                    let b = body!();
                    if let Some(resp) = check_subscription_fields(&b) {
                        return resp;
                    }
                    let sub = store.subscriptions.entry(sid).or_default();
                    for key in ["uid", "tags"] {
                        if let Some(v) = b.get(key) {
                            let v = if key == "tags" && v.is_null() {
                                json!([])
                            } else {
                                v.clone()
                            };
                            sub.insert(key.into(), v);
                        }
                    }
                    ok(&Value::Object(sub.clone()))
                }
                "DELETE" => {
                    store.subscriptions.remove(&sid);
                    SandboxResponse::empty(204)
                }
                _ => not_found(),
            }
        }
        ("GET", ["projects"]) => ok(&Value::Array(
            store
                .projects
                .values()
                .cloned()
                .map(Value::Object)
                .collect(),
        )),
        ("POST", ["projects"]) => create_project(store, body!()),
        (method, ["projects", pid]) => {
            let Some(pid) = id(pid).filter(|p| store.projects.contains_key(p)) else {
                return not_found();
            };
            match method {
                "GET" => ok(&Value::Object(store.projects[&pid].clone())),
                "PATCH" => {
                    let b = body!();
                    if let Some(resp) = check_project_fields(&b) {
                        return resp;
                    }
                    let project = store.projects.entry(pid).or_default();
                    for (k, v) in b {
                        if k != "id" && k != "sender_id" && k != "created_at" {
                            project.insert(k, v);
                        }
                    }
                    ok(&Value::Object(project.clone()))
                }
                "DELETE" => {
                    store.projects.remove(&pid);
                    SandboxResponse::empty(202)
                }
                _ => not_found(),
            }
        }
        ("GET", ["senders"]) => ok(&Value::Array(
            store.senders.values().cloned().map(Value::Object).collect(),
        )),
        ("POST", ["senders"]) => {
            let b = body!();
            let Some(name) = b
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
            else {
                return invalid("name", "can't be blank");
            };
            let sid = store.id();
            let sender = obj(json!({
                "id": sid, "name": name,
                "vapid_private_key": b.get("vapid_private_key").cloned().unwrap_or_else(||
                    json!(format!("-----BEGIN EC PRIVATE KEY----- sandbox-{sid} -----END EC PRIVATE KEY-----"))),
                "vapid_public_key": b.get("vapid_public_key").cloned().unwrap_or_else(||
                    json!(format!("-----BEGIN PUBLIC KEY----- sandbox-{sid} -----END PUBLIC KEY-----"))),
                "created_at": iso8601(SystemTime::now()),
            }));
            store.senders.insert(sid, sender.clone());
            created(&sender)
        }
        (method, ["senders", sid]) => {
            let Some(sid) = id(sid).filter(|s| store.senders.contains_key(s)) else {
                return not_found();
            };
            match method {
                "GET" => ok(&Value::Object(store.senders[&sid].clone())),
                "PATCH" => {
                    let b = body!();
                    let sender = store.senders.entry(sid).or_default();
                    if let Some(name) = b.get("name") {
                        if blank(Some(name)) {
                            return invalid("name", "can't be blank");
                        }
                        sender.insert("name".into(), name.clone());
                    }
                    ok(&Value::Object(sender.clone()))
                }
                "DELETE" => {
                    if store
                        .projects
                        .values()
                        .any(|p| p["sender_id"] == json!(sid))
                    {
                        return invalid("base", "cannot delete a sender that has projects");
                    }
                    store.senders.remove(&sid);
                    SandboxResponse::empty(204)
                }
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn page_param(req: &SandboxRequest, name: &str, default: usize) -> usize {
    req.query_param(name)
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(default)
}

fn paginate(list: Vec<Value>, page: usize, per_page: usize) -> Vec<Value> {
    list.into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect()
}

fn string_array(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn create_notification(
    store: &mut Store,
    recorder: &Recorder<RecordedNotification>,
    project_id: u64,
    b: Map<String, Value>,
) -> SandboxResponse {
    if blank(b.get("body")) {
        return invalid("body", "can't be blank");
    }
    for key in [
        "title",
        "target_url",
        "icon_url",
        "badge_url",
        "image_url",
        "custom_data",
    ] {
        if b.get(key).is_some_and(|v| !v.is_string() && !v.is_null()) {
            return invalid(key, "must be a string");
        }
    }
    for key in ["require_interaction", "silent", "urgent", "starred"] {
        if b.get(key).is_some_and(|v| !v.is_boolean()) {
            return invalid(key, "must be a boolean");
        }
    }
    if b.get("ttl")
        .is_some_and(|v| v.as_u64().is_none_or(|t| t > 2_419_200))
    {
        return invalid("ttl", "must be an integer between 0 and 2419200");
    }
    let metrics = b.get("custom_metrics").map(string_array);
    if let Some(m) = &metrics {
        match m {
            None => return invalid("custom_metrics", "must be an array of strings"),
            Some(m) if m.len() > 3 => return invalid("custom_metrics", "at most 3 metrics"),
            Some(_) => {}
        }
    }
    if let Some(actions) = b.get("actions") {
        let Some(actions) = actions.as_array() else {
            return invalid("actions", "must be an array");
        };
        for a in actions {
            if blank(a.get("title")) {
                return invalid("actions", "title can't be blank");
            }
            if let Some(name) = a.get("action").and_then(Value::as_str)
                && !name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                return invalid("actions", "action must be a string of word characters");
            }
        }
    }
    for key in ["uids", "tags"] {
        if b.get(key)
            .is_some_and(|v| !v.is_null() && string_array(v).is_none())
        {
            return invalid(key, "must be an array of strings");
        }
    }
    let now = SystemTime::now();
    let send_at = match b.get("send_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match parse_iso8601(s) {
            Some(t) if t > now + MAX_SCHEDULE_AHEAD => {
                return invalid("send_at", "can be at most 5 days in the future");
            }
            Some(t) => Some(t),
            None => return invalid("send_at", "must be an ISO 8601 date-time"),
        },
        Some(_) => return invalid("send_at", "must be an ISO 8601 date-time"),
    };
    let scheduled_later = send_at.is_some_and(|t| t > now);

    // Who it reaches: subscriptions of the project matching uids and tags.
    let uids = b.get("uids").and_then(string_array);
    let tags = b.get("tags").and_then(string_array);
    let mut matched_uids = Vec::new();
    let mut reached = 0u64;
    for sub in store
        .subscriptions
        .values()
        .filter(|s| s["project_id"] == json!(project_id))
    {
        let sub_uid = sub["uid"].as_str();
        let sub_tags = string_array(&sub["tags"]).unwrap_or_default();
        let uid_ok = uids
            .as_ref()
            .is_none_or(|u| sub_uid.is_some_and(|s| u.iter().any(|x| x == s)));
        let tags_ok = tags
            .as_ref()
            .is_none_or(|t| t.iter().any(|expr| tag_expression_matches(expr, &sub_tags)));
        if uid_ok && tags_ok {
            reached += 1;
            if let Some(u) = sub_uid
                && uids.is_some()
                && !matched_uids.iter().any(|m| m == u)
            {
                matched_uids.push(u.to_owned());
            }
        }
    }

    let id = store.id();
    let project = store.projects.get(&project_id).cloned().unwrap_or_default();
    let pick = |key: &str, fallback: Value| b.get(key).cloned().unwrap_or(fallback);
    let notification = obj(json!({
        "id": id, "project_id": project_id,
        "title": pick("title", project.get("name").cloned().unwrap_or(Value::Null)),
        "body": b["body"],
        "target_url": pick("target_url", project.get("website").cloned().unwrap_or(Value::Null)),
        "icon_url": pick("icon_url", project.get("icon_url").cloned().unwrap_or(Value::Null)),
        "badge_url": pick("badge_url", project.get("badge_url").cloned().unwrap_or(Value::Null)),
        "image_url": pick("image_url", Value::Null),
        "ttl": pick("ttl", project.get("notifications_ttl").cloned().unwrap_or(json!(604800))),
        "require_interaction": pick("require_interaction",
            project.get("notifications_require_interaction").cloned().unwrap_or(json!(false))),
        "silent": pick("silent", project.get("notifications_silent").cloned().unwrap_or(json!(false))),
        "urgent": pick("urgent", json!(false)),
        "custom_data": pick("custom_data", Value::Null),
        "actions": pick("actions", json!([])),
        "starred": pick("starred", json!(false)),
        "send_at": send_at.map(iso8601),
        "custom_metrics": pick("custom_metrics", json!([])),
        "uids": pick("uids", Value::Null),
        "tags": pick("tags", Value::Null),
        "created_at": iso8601(now),
        "successfully_sent_count": if scheduled_later { 0 } else { reached },
        "opened_count": 0,
        "scheduled_count": if scheduled_later { reached } else { 0 },
        "scheduled": scheduled_later,
        "cancelled": false,
    }));
    store.notifications.insert(id, notification);
    recorder.push(RecordedNotification {
        id,
        project_id,
        request: Value::Object(b),
        scheduled: if scheduled_later { 0 } else { reached },
    });
    let mut result = obj(json!({ "id": id }));
    if let Some(t) = send_at.filter(|_| scheduled_later) {
        result.insert("send_at".into(), json!(iso8601(t)));
    } else {
        result.insert("scheduled".into(), json!(reached));
        if uids.is_some() {
            result.insert("uids".into(), json!(matched_uids));
        }
    }
    created(&result)
}

fn list_subscriptions(store: &Store, project_id: u64, req: &SandboxRequest) -> SandboxResponse {
    let pairs = req.query_pairs();
    let uids: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "uids[]")
        .map(|(_, v)| v.as_str())
        .collect();
    let tags: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "tags[]")
        .map(|(_, v)| v.as_str())
        .collect();
    let matching: Vec<Value> = store
        .subscriptions
        .values()
        .filter(|s| s["project_id"] == json!(project_id))
        .filter(|s| uids.is_empty() || s["uid"].as_str().is_some_and(|u| uids.contains(&u)))
        .filter(|s| {
            let sub_tags = string_array(&s["tags"]).unwrap_or_default();
            tags.is_empty() || tags.iter().any(|t| tag_expression_matches(t, &sub_tags))
        })
        .cloned()
        .map(Value::Object)
        .collect();
    let total = matching.len();
    let page = page_param(req, "page", 1);
    let per_page = page_param(req, "per_page", DEFAULT_SUBSCRIPTIONS_PER_PAGE);
    let resp = ok(&Value::Array(paginate(matching, page, per_page)))
        .with_header("x-total-count", total.to_string());
    if req.method == "HEAD" {
        resp.with_body(Vec::new())
    } else {
        resp
    }
}

fn check_subscription_fields(b: &Map<String, Value>) -> Option<SandboxResponse> {
    if b.get("uid").is_some_and(|v| !v.is_string() && !v.is_null()) {
        return Some(invalid("uid", "must be a string or null"));
    }
    if b.get("tags")
        .is_some_and(|v| !v.is_null() && string_array(v).is_none())
    {
        return Some(invalid("tags", "must be an array of strings"));
    }
    None
}

fn create_subscription(
    store: &mut Store,
    project_id: u64,
    b: &Map<String, Value>,
) -> SandboxResponse {
    let Some(endpoint) = b
        .get("endpoint")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
    else {
        return invalid("endpoint", "can't be blank");
    };
    if !endpoint.starts_with("https://") {
        return invalid("endpoint", "must be an https URL");
    }
    if let Some(resp) = check_subscription_fields(b) {
        return resp;
    }
    if store
        .subscriptions
        .values()
        .any(|s| s["project_id"] == json!(project_id) && s["endpoint"] == json!(endpoint))
    {
        return invalid("endpoint", "has already been taken");
    }
    let id = store.id();
    let sub = obj(json!({
        "id": id, "project_id": project_id, "endpoint": endpoint,
        "p256dh": b.get("p256dh").cloned().unwrap_or(Value::Null),
        "auth": b.get("auth").cloned().unwrap_or(Value::Null),
        "uid": b.get("uid").cloned().unwrap_or(Value::Null),
        "tags": b.get("tags").filter(|t| !t.is_null()).cloned().unwrap_or(json!([])),
        "last_click_at": null, "created_at": iso8601(SystemTime::now()),
    }));
    store.subscriptions.insert(id, sub.clone());
    created(&sub)
}

fn check_project_fields(b: &Map<String, Value>) -> Option<SandboxResponse> {
    for key in ["name", "website"] {
        if b.get(key).is_some_and(|v| blank(Some(v))) {
            return Some(invalid(key, "can't be blank"));
        }
    }
    if b.get("notifications_ttl")
        .is_some_and(|v| v.as_u64().is_none_or(|t| t > 2_419_200))
    {
        return Some(invalid(
            "notifications_ttl",
            "must be between 0 and 2419200",
        ));
    }
    None
}

fn create_project(store: &mut Store, b: Map<String, Value>) -> SandboxResponse {
    let Some(sender_id) = b.get("sender_id").and_then(Value::as_u64) else {
        return invalid("sender_id", "can't be blank");
    };
    if !store.senders.contains_key(&sender_id) {
        return invalid("sender_id", "does not exist");
    }
    for key in ["name", "website"] {
        if blank(b.get(key)) {
            return invalid(key, "can't be blank");
        }
    }
    if let Some(resp) = check_project_fields(&b) {
        return resp;
    }
    let id = store.id();
    let mut project = obj(json!({
        "id": id, "sender_id": sender_id, "icon_url": null, "badge_url": null,
        "notifications_ttl": 604800, "notifications_require_interaction": false,
        "notifications_silent": false, "created_at": iso8601(SystemTime::now()),
    }));
    for (k, v) in b {
        if k != "id" && k != "created_at" {
            project.insert(k, v);
        }
    }
    store.projects.insert(id, project.clone());
    created(&project)
}

/// Whether a subscription with `tags` matches `expr`: a tag, or a boolean expression with `!`,
/// `&&`, `||` (from highest to lowest precedence) and parentheses.
pub fn tag_expression_matches(expr: &str, tags: &[String]) -> bool {
    let tokens = tokenize(expr);
    let mut pos = 0;
    let value = parse_or(&tokens, &mut pos, tags);
    value.unwrap_or(false) && pos == tokens.len()
}

#[derive(Debug, PartialEq)]
enum Token {
    Tag(String),
    Not,
    And,
    Or,
    Open,
    Close,
}

fn tokenize(expr: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            c if c.is_whitespace() => i += 1,
            '!' => {
                out.push(Token::Not);
                i += 1;
            }
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Token::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Token::Or);
                i += 2;
            }
            _ => {
                let start = i;
                while i < chars.len() && !ends_tag(&chars, i) {
                    i += 1;
                }
                out.push(Token::Tag(chars[start..i].iter().collect()));
            }
        }
    }
    out
}

/// Whether a tag name stops before `chars[i]`: white space, `!`, parentheses, `&&` or `||`.
fn ends_tag(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let doubled = |op: char| c == op && chars.get(i + 1) == Some(&op);
    c.is_whitespace() || "!()".contains(c) || doubled('&') || doubled('|')
}

fn parse_or(t: &[Token], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let mut value = parse_and(t, pos, tags)?;
    while t.get(*pos) == Some(&Token::Or) {
        *pos += 1;
        value |= parse_and(t, pos, tags)?;
    }
    Some(value)
}

fn parse_and(t: &[Token], pos: &mut usize, tags: &[String]) -> Option<bool> {
    let mut value = parse_not(t, pos, tags)?;
    while t.get(*pos) == Some(&Token::And) {
        *pos += 1;
        value &= parse_not(t, pos, tags)?;
    }
    Some(value)
}

fn parse_not(t: &[Token], pos: &mut usize, tags: &[String]) -> Option<bool> {
    match t.get(*pos)? {
        Token::Not => {
            *pos += 1;
            Some(!parse_not(t, pos, tags)?)
        }
        Token::Open => {
            *pos += 1;
            let v = parse_or(t, pos, tags)?;
            if t.get(*pos) != Some(&Token::Close) {
                return None;
            }
            *pos += 1;
            Some(v)
        }
        Token::Tag(name) => {
            *pos += 1;
            Some(tags.iter().any(|t| t == name))
        }
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for `t` (UTC).
pub fn iso8601(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, dd) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{dd:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z`, `±HH:MM` or nothing (UTC).
pub fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
    {
        return None;
    }
    let (y, mo, d, h, mi) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
    );
    let mut i = 16;
    let mut sec = 0;
    let mut millis = 0u64;
    if b.get(i) == Some(&b':') {
        sec = num(i + 1..i + 3)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let frac = s.get(start..i)?;
            if frac.is_empty() {
                return None;
            }
            millis = format!("{frac:0<3}")[..3].parse().ok()?;
        }
    }
    let offset = match s.get(i..)? {
        "" | "Z" | "z" => 0,
        tz if tz.len() == 6 && matches!(&tz[..1], "+" | "-") && &tz[3..4] == ":" => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (tz[1..3].parse::<i64>().ok()? * 3600 + tz[4..6].parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset;
    let secs = u64::try_from(secs).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn tag_expressions() {
        let t = tags(&["a", "b", "zip_code:28865"]);
        for (expr, want) in [
            ("a", true),
            ("c", false),
            ("a && b", true),
            ("a && c", false),
            ("c || b", true),
            ("!c", true),
            ("!a", false),
            ("(a && c) || !d", true),
            ("a && (c || !b)", false),
            (
                "zip_code:28865 && !optout:local_events || friend_of:x",
                true,
            ),
            ("!!a", true),
            ("a &&", false),
            ("(a", false),
            ("", false),
        ] {
            assert_eq!(tag_expression_matches(expr, &t), want, "{expr}");
        }
    }

    #[test]
    fn timestamps_round_trip() {
        let t = parse_iso8601("2016-07-06T10:58:39.192Z").unwrap();
        assert_eq!(iso8601(t), "2016-07-06T10:58:39.192Z");
        assert_eq!(
            parse_iso8601("2030-01-02T03:04:05Z"),
            parse_iso8601("2030-01-02T05:04:05+02:00")
        );
        assert_eq!(
            iso8601(parse_iso8601("2016-07-25T10:09").unwrap()),
            "2016-07-25T10:09:00.000Z"
        );
        for bad in [
            "",
            "2016-07-25",
            "2016-13-01T00:00Z",
            "2016-07-25T10:09:00.Z",
            "x016-07-25T10:09Z",
        ] {
            assert!(parse_iso8601(bad).is_none(), "{bad}");
        }
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }
}
