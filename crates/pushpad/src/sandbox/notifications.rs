//! Notifications in the sandbox: listing, cancelling, and creating one with the checks the
//! API makes, its schedule, and who it reaches.

use push_core::sandbox::{Recorder, SandboxRequest, SandboxResponse};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::routes::{
    Answer, MAX_TTL, blank, created, field, id, invalid, not_found, ok, page_param, paginate,
};
use super::store::{Store, obj, parse_time, string_array, time_value};
use super::tags::tag_expression_matches;
use super::{MAX_SCHEDULE_AHEAD, NOTIFICATIONS_PER_PAGE, RecordedNotification};

pub(super) fn list_notifications(
    store: &Store,
    project_id: u64,
    req: &SandboxRequest,
) -> SandboxResponse {
    let page = page_param(req, "page", 1);
    let mut list: Vec<Value> = store
        .notifications
        .values()
        .filter(|n| *field(n, "project_id") == json!(project_id))
        .map(|n| Value::Object(n.clone()))
        .collect();
    list.reverse(); // newest first
    ok(&Value::Array(paginate(list, page, NOTIFICATIONS_PER_PAGE)))
}

pub(super) fn cancel_notification(store: &mut Store, nid: &str) -> Answer {
    let n = id(nid).and_then(|n| store.notifications.get_mut(&n).ok_or_else(not_found))?;
    if *field(n, "scheduled") != json!(true) {
        return Err(invalid(
            "base",
            "only scheduled notifications can be cancelled",
        ));
    }
    n.insert("cancelled".into(), json!(true));
    n.insert("scheduled".into(), json!(false));
    Ok(SandboxResponse::empty(204))
}

/// The checks the API makes on a notification's fields, in its order.
fn check_notification(b: &Map<String, Value>) -> Result<(), SandboxResponse> {
    if blank(b.get("body")) {
        return Err(invalid("body", "can't be blank"));
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
            return Err(invalid(key, "must be a string"));
        }
    }
    for key in ["require_interaction", "silent", "urgent", "starred"] {
        if b.get(key).is_some_and(|v| !v.is_boolean()) {
            return Err(invalid(key, "must be a boolean"));
        }
    }
    if b.get("ttl")
        .is_some_and(|v| v.as_u64().is_none_or(|t| t > MAX_TTL))
    {
        return Err(invalid("ttl", "must be an integer between 0 and 2419200"));
    }
    match b.get("custom_metrics").map(string_array) {
        Some(None) => return Err(invalid("custom_metrics", "must be an array of strings")),
        Some(Some(m)) if m.len() > 3 => return Err(invalid("custom_metrics", "at most 3 metrics")),
        _ => {}
    }
    if let Some(actions) = b.get("actions") {
        let actions = actions
            .as_array()
            .ok_or_else(|| invalid("actions", "must be an array"))?;
        for a in actions {
            if blank(a.get("title")) {
                return Err(invalid("actions", "title can't be blank"));
            }
            if let Some(name) = a.get("action").and_then(Value::as_str)
                && !name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                return Err(invalid(
                    "actions",
                    "action must be a string of word characters",
                ));
            }
        }
    }
    for key in ["uids", "tags"] {
        if b.get(key)
            .is_some_and(|v| !v.is_null() && string_array(v).is_none())
        {
            return Err(invalid(key, "must be an array of strings"));
        }
    }
    Ok(())
}

/// `send_at`, if given: an ISO 8601 time at most 5 days after `now`.
fn send_at(
    b: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, SandboxResponse> {
    let not_a_time = || invalid("send_at", "must be an ISO 8601 date-time");
    match b.get("send_at") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => match parse_time(s) {
            Some(t) if t > now + MAX_SCHEDULE_AHEAD => {
                Err(invalid("send_at", "can be at most 5 days in the future"))
            }
            Some(t) => Ok(Some(t)),
            None => Err(not_a_time()),
        },
        Some(_) => Err(not_a_time()),
    }
}

/// How many of the project's subscriptions match the `uids` and `tags` of `b`, and which of
/// the requested uids are among them (in subscription order).
fn audience(store: &Store, project_id: u64, b: &Map<String, Value>) -> (u64, Vec<String>) {
    let uids = b.get("uids").and_then(string_array);
    let tags = b.get("tags").and_then(string_array);
    let mut matched_uids: Vec<String> = Vec::new();
    let mut reached = 0u64;
    for sub in store
        .subscriptions
        .values()
        .filter(|s| *field(s, "project_id") == json!(project_id))
    {
        let sub_uid = field(sub, "uid").as_str();
        let sub_tags = string_array(field(sub, "tags")).unwrap_or_default();
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
    (reached, matched_uids)
}

pub(super) fn create_notification(
    store: &mut Store,
    recorder: &Recorder<RecordedNotification>,
    project_id: u64,
    b: Map<String, Value>,
) -> Answer {
    check_notification(&b)?;
    let now = OffsetDateTime::now_utc();
    let send_at = send_at(&b, now)?;
    let scheduled_later = send_at.is_some_and(|t| t > now);
    let (reached, matched_uids) = audience(store, project_id, &b);

    let id = store.id();
    let project = store.projects.get(&project_id).cloned().unwrap_or_default();
    let pick = |key: &str, fallback: Value| b.get(key).cloned().unwrap_or(fallback);
    let default = |key: &str, fallback: Value| project.get(key).cloned().unwrap_or(fallback);
    let notification = obj(json!({
        "id": id, "project_id": project_id,
        "title": pick("title", default("name", Value::Null)),
        "body": pick("body", Value::Null),
        "target_url": pick("target_url", default("website", Value::Null)),
        "icon_url": pick("icon_url", default("icon_url", Value::Null)),
        "badge_url": pick("badge_url", default("badge_url", Value::Null)),
        "image_url": pick("image_url", Value::Null),
        "ttl": pick("ttl", default("notifications_ttl", json!(604800))),
        "require_interaction": pick("require_interaction",
            default("notifications_require_interaction", json!(false))),
        "silent": pick("silent", default("notifications_silent", json!(false))),
        "urgent": pick("urgent", json!(false)),
        "custom_data": pick("custom_data", Value::Null),
        "actions": pick("actions", json!([])),
        "starred": pick("starred", json!(false)),
        "send_at": send_at.map_or(Value::Null, time_value),
        "custom_metrics": pick("custom_metrics", json!([])),
        "uids": pick("uids", Value::Null),
        "tags": pick("tags", Value::Null),
        "created_at": time_value(now),
        "successfully_sent_count": if scheduled_later { 0 } else { reached },
        "opened_count": 0,
        "scheduled_count": if scheduled_later { reached } else { 0 },
        "scheduled": scheduled_later,
        "cancelled": false,
    }));
    store.notifications.insert(id, notification);
    let targeted_uids = b.get("uids").is_some_and(|uids| !uids.is_null());
    recorder.push(RecordedNotification {
        id,
        project_id,
        request: Value::Object(b),
        scheduled: if scheduled_later { 0 } else { reached },
    });
    let mut result = obj(json!({ "id": id }));
    match send_at.filter(|_| scheduled_later) {
        Some(t) => {
            result.insert("send_at".into(), time_value(t));
        }
        None => {
            result.insert("scheduled".into(), json!(reached));
            if targeted_uids {
                result.insert("uids".into(), json!(matched_uids));
            }
        }
    }
    created(&result)
}
