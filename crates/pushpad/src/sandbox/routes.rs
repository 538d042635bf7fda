//! The sandbox's routes: which path and method reach which handler, and each handler's
//! checks and answers, as the Pushpad API gives them.

use push_core::sandbox::{Recorder, SandboxRequest, SandboxResponse};
use serde_json::{Map, Value, json};

use super::notifications::{cancel_notification, create_notification, list_notifications};
use super::store::{Store, now, obj, string_array};
use super::tags::tag_expression_matches;
use super::{DEFAULT_SUBSCRIPTIONS_PER_PAGE, RecordedNotification};

/// A handler's outcome: `Err` is a refusal (404, 400, 422), answered like a success.
pub(super) type Answer = Result<SandboxResponse, SandboxResponse>;

/// The largest `ttl` and project `notifications_ttl` (28 days).
pub(super) const MAX_TTL: u64 = 2_419_200;

/// Answers one authenticated request.
pub(super) fn route(
    store: &mut Store,
    recorder: &Recorder<RecordedNotification>,
    req: &SandboxRequest,
) -> SandboxResponse {
    dispatch(store, recorder, req).unwrap_or_else(|refusal| refusal)
}

fn dispatch(
    store: &mut Store,
    recorder: &Recorder<RecordedNotification>,
    req: &SandboxRequest,
) -> Answer {
    let segments = req.path_segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let ["api", "v1", rest @ ..] = segs.as_slice() else {
        return Err(not_found());
    };
    let method = req.method.as_str();
    match rest {
        ["projects", pid, "notifications"] => {
            let pid = project(store, pid)?;
            match method {
                "POST" => create_notification(store, recorder, pid, body(req)?),
                "GET" => Ok(list_notifications(store, pid, req)),
                _ => Err(not_found()),
            }
        }
        ["notifications", nid] if method == "GET" => found(store.notifications.get(&id(nid)?)),
        ["notifications", nid, "cancel"] if method == "DELETE" => cancel_notification(store, nid),
        ["projects", pid, "subscriptions"] => {
            let pid = project(store, pid)?;
            match method {
                "GET" | "HEAD" => Ok(list_subscriptions(store, pid, req)),
                "POST" => create_subscription(store, pid, &body(req)?),
                _ => Err(not_found()),
            }
        }
        ["projects", pid, "subscriptions", sid] => subscription(store, req, pid, sid),
        ["projects"] => match method {
            "GET" => Ok(list(&store.projects)),
            "POST" => create_project(store, body(req)?),
            _ => Err(not_found()),
        },
        ["projects", pid] => project_by_id(store, req, pid),
        ["senders"] => match method {
            "GET" => Ok(list(&store.senders)),
            "POST" => create_sender(store, &body(req)?),
            _ => Err(not_found()),
        },
        ["senders", sid] => sender_by_id(store, req, sid),
        _ => Err(not_found()),
    }
}

// ---- Answers and what every handler reads.

pub(super) fn not_found() -> SandboxResponse {
    SandboxResponse::json(404, &json!({"error": "Not Found"}))
}

pub(super) fn invalid(field: &str, message: &str) -> SandboxResponse {
    SandboxResponse::json(422, &json!({"errors": {field: [message]}}))
}

pub(super) fn created(v: &Map<String, Value>) -> Answer {
    Ok(SandboxResponse::json(201, &Value::Object(v.clone())))
}

pub(super) fn ok(v: &Value) -> SandboxResponse {
    SandboxResponse::json(200, v)
}

/// A stored resource's field (`null` when it has none).
pub(super) fn field<'m>(resource: &'m Map<String, Value>, name: &str) -> &'m Value {
    resource.get(name).unwrap_or(&Value::Null)
}

/// The resource found, or 404.
fn found(resource: Option<&Map<String, Value>>) -> Answer {
    resource
        .map(|r| ok(&Value::Object(r.clone())))
        .ok_or_else(not_found)
}

fn list(items: &std::collections::BTreeMap<u64, Map<String, Value>>) -> SandboxResponse {
    ok(&Value::Array(
        items.values().cloned().map(Value::Object).collect(),
    ))
}

/// A path id; anything but a whole number names nothing.
pub(super) fn id(segment: &str) -> Result<u64, SandboxResponse> {
    segment.parse::<u64>().map_err(|_| not_found())
}

/// The id of a project the sandbox holds.
fn project(store: &Store, segment: &str) -> Result<u64, SandboxResponse> {
    id(segment).and_then(|pid| {
        if store.projects.contains_key(&pid) {
            Ok(pid)
        } else {
            Err(not_found())
        }
    })
}

/// The request body, which must be a JSON object.
fn body(req: &SandboxRequest) -> Result<Map<String, Value>, SandboxResponse> {
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(SandboxResponse::json(
            400,
            &json!({"error": "The request body must be a JSON object"}),
        )),
    }
}

/// Whether `v` is missing, not a string, or a blank string.
pub(super) fn blank(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_none_or(|s| s.trim().is_empty())
}

/// A page number or size from the query; `default` when absent or not a positive number.
pub(super) fn page_param(req: &SandboxRequest, name: &str, default: usize) -> usize {
    req.query_param(name)
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(default)
}

pub(super) fn paginate(list: Vec<Value>, page: usize, per_page: usize) -> Vec<Value> {
    list.into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect()
}

// ---- Subscriptions.

fn list_subscriptions(store: &Store, project_id: u64, req: &SandboxRequest) -> SandboxResponse {
    let pairs = req.query_pairs();
    let values = |key: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (uids, tags) = (values("uids[]"), values("tags[]"));
    let matching: Vec<Value> = store
        .subscriptions
        .values()
        .filter(|s| *field(s, "project_id") == json!(project_id))
        .filter(|s| {
            uids.is_empty()
                || field(s, "uid")
                    .as_str()
                    .is_some_and(|u| uids.iter().any(|x| x == u))
        })
        .filter(|s| {
            let sub_tags = string_array(field(s, "tags")).unwrap_or_default();
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

fn check_subscription_fields(b: &Map<String, Value>) -> Result<(), SandboxResponse> {
    if b.get("uid").is_some_and(|v| !v.is_string() && !v.is_null()) {
        return Err(invalid("uid", "must be a string or null"));
    }
    if b.get("tags")
        .is_some_and(|v| !v.is_null() && string_array(v).is_none())
    {
        return Err(invalid("tags", "must be an array of strings"));
    }
    Ok(())
}

fn create_subscription(store: &mut Store, project_id: u64, b: &Map<String, Value>) -> Answer {
    let endpoint = b
        .get("endpoint")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| invalid("endpoint", "can't be blank"))?;
    if !endpoint.starts_with("https://") {
        return Err(invalid("endpoint", "must be an https URL"));
    }
    check_subscription_fields(b)?;
    if store.subscriptions.values().any(|s| {
        *field(s, "project_id") == json!(project_id) && *field(s, "endpoint") == json!(endpoint)
    }) {
        return Err(invalid("endpoint", "has already been taken"));
    }
    let id = store.id();
    let given = |key: &str| b.get(key).cloned().unwrap_or(Value::Null);
    let sub = obj(json!({
        "id": id, "project_id": project_id, "endpoint": endpoint,
        "p256dh": given("p256dh"), "auth": given("auth"), "uid": given("uid"),
        "tags": b.get("tags").filter(|t| !t.is_null()).cloned().unwrap_or(json!([])),
        "last_click_at": null, "created_at": now(),
    }));
    store.subscriptions.insert(id, sub.clone());
    created(&sub)
}

/// `GET`, `PATCH` and `DELETE /projects/{pid}/subscriptions/{sid}`.
fn subscription(store: &mut Store, req: &SandboxRequest, pid: &str, sid: &str) -> Answer {
    let (pid, sid) = (id(pid)?, id(sid)?);
    let sub = store
        .subscriptions
        .get_mut(&sid)
        .filter(|s| *field(s, "project_id") == json!(pid))
        .ok_or_else(not_found)?;
    match req.method.as_str() {
        "GET" => Ok(ok(&Value::Object(sub.clone()))),
        "PATCH" => {
            let b = body(req)?;
            check_subscription_fields(&b)?;
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
            Ok(ok(&Value::Object(sub.clone())))
        }
        "DELETE" => {
            store.subscriptions.remove(&sid);
            Ok(SandboxResponse::empty(204))
        }
        _ => Err(not_found()),
    }
}

// ---- Projects.

fn check_project_fields(b: &Map<String, Value>) -> Result<(), SandboxResponse> {
    for key in ["name", "website"] {
        if b.get(key).is_some_and(|v| blank(Some(v))) {
            return Err(invalid(key, "can't be blank"));
        }
    }
    if b.get("notifications_ttl")
        .is_some_and(|v| v.as_u64().is_none_or(|t| t > MAX_TTL))
    {
        return Err(invalid(
            "notifications_ttl",
            "must be between 0 and 2419200",
        ));
    }
    Ok(())
}

fn create_project(store: &mut Store, b: Map<String, Value>) -> Answer {
    let sender_id = b
        .get("sender_id")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid("sender_id", "can't be blank"))?;
    if !store.senders.contains_key(&sender_id) {
        return Err(invalid("sender_id", "does not exist"));
    }
    for key in ["name", "website"] {
        if blank(b.get(key)) {
            return Err(invalid(key, "can't be blank"));
        }
    }
    check_project_fields(&b)?;
    let id = store.id();
    let mut project = obj(json!({
        "id": id, "sender_id": sender_id, "icon_url": null, "badge_url": null,
        "notifications_ttl": 604800, "notifications_require_interaction": false,
        "notifications_silent": false, "created_at": now(),
    }));
    for (k, v) in b {
        if k != "id" && k != "created_at" {
            project.insert(k, v);
        }
    }
    store.projects.insert(id, project.clone());
    created(&project)
}

/// `GET`, `PATCH` and `DELETE /projects/{pid}`.
fn project_by_id(store: &mut Store, req: &SandboxRequest, pid: &str) -> Answer {
    let pid = project(store, pid)?;
    match req.method.as_str() {
        "GET" => found(store.projects.get(&pid)),
        "PATCH" => {
            let b = body(req)?;
            check_project_fields(&b)?;
            let project = store.projects.entry(pid).or_default();
            for (k, v) in b {
                if k != "id" && k != "sender_id" && k != "created_at" {
                    project.insert(k, v);
                }
            }
            Ok(ok(&Value::Object(project.clone())))
        }
        "DELETE" => {
            store.projects.remove(&pid);
            Ok(SandboxResponse::empty(202))
        }
        _ => Err(not_found()),
    }
}

// ---- Senders.

fn create_sender(store: &mut Store, b: &Map<String, Value>) -> Answer {
    let name = b
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid("name", "can't be blank"))?;
    let sid = store.id();
    let key = |field: &str, generated: String| b.get(field).cloned().unwrap_or(json!(generated));
    let sender = obj(json!({
        "id": sid, "name": name,
        "vapid_private_key": key("vapid_private_key",
            format!("-----BEGIN EC PRIVATE KEY----- sandbox-{sid} -----END EC PRIVATE KEY-----")),
        "vapid_public_key": key("vapid_public_key",
            format!("-----BEGIN PUBLIC KEY----- sandbox-{sid} -----END PUBLIC KEY-----")),
        "created_at": now(),
    }));
    store.senders.insert(sid, sender.clone());
    created(&sender)
}

/// `GET`, `PATCH` and `DELETE /senders/{sid}`.
fn sender_by_id(store: &mut Store, req: &SandboxRequest, sid: &str) -> Answer {
    let sid = id(sid).and_then(|s| {
        if store.senders.contains_key(&s) {
            Ok(s)
        } else {
            Err(not_found())
        }
    })?;
    match req.method.as_str() {
        "GET" => found(store.senders.get(&sid)),
        "PATCH" => {
            let b = body(req)?;
            let sender = store.senders.entry(sid).or_default();
            if let Some(name) = b.get("name") {
                if blank(Some(name)) {
                    return Err(invalid("name", "can't be blank"));
                }
                sender.insert("name".into(), name.clone());
            }
            Ok(ok(&Value::Object(sender.clone())))
        }
        "DELETE" => {
            if store
                .projects
                .values()
                .any(|p| *field(p, "sender_id") == json!(sid))
            {
                return Err(invalid("base", "cannot delete a sender that has projects"));
            }
            store.senders.remove(&sid);
            Ok(SandboxResponse::empty(204))
        }
        _ => Err(not_found()),
    }
}
