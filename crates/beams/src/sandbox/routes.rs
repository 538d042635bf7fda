//! The sandbox's routes: authentication as Beams checks it, then the publish and customer
//! APIs with the service's statuses and `{"error","description"}` bodies.

use std::sync::atomic::{AtomicU64, Ordering};

use push_core::constant_time_eq;
use push_core::sandbox::{Recorder, SandboxRequest, SandboxResponse};
use serde_json::{Value, json};

use super::{
    Audience, MAX_ID_LEN, MAX_INTERESTS, MAX_INTERESTS_BODY, MAX_USERS, MAX_USERS_BODY,
    MAX_WEB_TTL, RecordedPublish,
};

/// The instance a sandbox serves.
pub(super) struct Instance {
    pub(super) id: String,
    /// `Bearer {secret_key}`, the one `Authorization` value accepted.
    pub(super) bearer: String,
    pub(super) next_id: AtomicU64,
}

fn error(status: u16, title: &str, description: impl Into<String>) -> SandboxResponse {
    SandboxResponse::json(
        status,
        &json!({ "error": title, "description": description.into() }),
    )
}

pub(super) fn handle(
    instance: &Instance,
    publishes: &Recorder<RecordedPublish>,
    deleted: &Recorder<String>,
    req: &SandboxRequest,
) -> SandboxResponse {
    let segments = req.path_segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (api, id, rest) = match segs.as_slice() {
        [api, "v1", "instances", id, rest @ ..] => (*api, *id, rest),
        _ => return SandboxResponse::text(404, "404 page not found\n"),
    };
    match req.header("authorization") {
        None => {
            return error(
                400,
                "Incomplete Request",
                "Authorization header is missing.",
            );
        }
        Some(given) if !constant_time_eq(given.as_bytes(), instance.bearer.as_bytes()) => {
            return error(401, "Unauthorized", "Incorrect Secret Key");
        }
        Some(_) => {}
    }
    if id != instance.id {
        return error(404, "Instance not found", "Could not find the instance");
    }
    match (req.method.as_str(), api, rest) {
        ("POST", "publish_api", ["publishes"] | ["publishes", "interests"]) => {
            publish(instance, publishes, req, Target::Interests)
        }
        ("POST", "publish_api", ["publishes", "users"]) => {
            publish(instance, publishes, req, Target::Users)
        }
        ("DELETE", "customer_api" | "user_api", ["users", user]) => {
            if user.is_empty() {
                return SandboxResponse::text(404, "404 page not found\n");
            }
            if user.chars().count() > MAX_ID_LEN {
                return error(
                    400,
                    "Bad request",
                    format!("'User id' is too long, max length is {MAX_ID_LEN}"),
                );
            }
            deleted.push((*user).to_owned());
            SandboxResponse::empty(200)
        }
        _ => SandboxResponse::text(404, "404 page not found\n"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Interests,
    Users,
}

fn valid_interest(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-=@,.;".contains(&b))
}

fn publish(
    instance: &Instance,
    publishes: &Recorder<RecordedPublish>,
    req: &SandboxRequest,
    target: Target,
) -> SandboxResponse {
    if !req
        .header("content-type")
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"))
    {
        return error(
            400,
            "Invalid content type",
            "Only `application/json` is supported.",
        );
    }
    let limit = match target {
        Target::Interests => MAX_INTERESTS_BODY,
        Target::Users => MAX_USERS_BODY,
    };
    if req.body.len() > limit {
        return error(
            400,
            "Bad request",
            format!("Request body size is too large (max {} KiB)", limit / 1024),
        );
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return error(400, "Bad request", "Failed to read body as a JSON object.");
    };
    let (key, max, check): (&str, usize, fn(&str) -> bool) = match target {
        Target::Interests => ("interests", MAX_INTERESTS, valid_interest),
        Target::Users => ("users", MAX_USERS, |u: &str| !u.is_empty()),
    };
    let unprocessable = |description: String| error(422, "Unprocessable Entity", description);
    let Some(list) = body.get(key) else {
        return error(422, "Bad Request", format!("`{key}`: {key} is required"));
    };
    let Some(list) = list.as_array() else {
        return unprocessable(format!("`{key}`: must be an array"));
    };
    if list.is_empty() || list.len() > max {
        return unprocessable(format!(
            "`{key}`: must contain between 1 and {max} items, got {}",
            list.len()
        ));
    }
    let mut ids = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let Some(id) = item.as_str() else {
            return unprocessable(format!("`{key}.{i}`: must be a string"));
        };
        if id.chars().count() > MAX_ID_LEN {
            return unprocessable(format!(
                "`{key}.{i}`: is longer than {MAX_ID_LEN} characters"
            ));
        }
        if !check(id) {
            return unprocessable(if target == Target::Interests {
                format!("`{key}.{i}`: Does not match pattern '^[a-zA-Z0-9_\\-=@,.;]+$'")
            } else {
                format!("`{key}.{i}`: must not be empty")
            });
        }
        // Beams refuses repeated user ids; it documents no such rule for interests.
        if target == Target::Users && ids.contains(&id) {
            return unprocessable(format!("`{key}`: array items must be unique"));
        }
        ids.push(id);
    }
    if !["apns", "fcm", "web"].iter().any(|p| body.contains_key(*p)) {
        return unprocessable(
            "the publish request must contain at least one of `apns`, `fcm` or `web`".into(),
        );
    }
    if let Some(web) = body.get("web") {
        if web
            .get("data")
            .and_then(Value::as_object)
            .is_some_and(|data| data.contains_key("pusher"))
        {
            return unprocessable("`web.data`: must not contain the key \"pusher\"".into());
        }
        if web
            .get("time_to_live")
            .and_then(Value::as_f64)
            .is_some_and(|ttl| ttl > MAX_WEB_TTL as f64)
        {
            return unprocessable(format!("`web.time_to_live`: maximum is {MAX_WEB_TTL}"));
        }
    }
    let n = instance.next_id.fetch_add(1, Ordering::SeqCst);
    let publish_id = format!("pubid-00000000-0000-4000-8000-{n:012x}");
    let ids: Vec<String> = ids.into_iter().map(str::to_owned).collect();
    publishes.push(RecordedPublish {
        publish_id: publish_id.clone(),
        audience: match target {
            Target::Interests => Audience::Interests(ids),
            Target::Users => Audience::Users(ids),
        },
        body: Value::Object(body),
    });
    // The real service answers JSON with a text/plain content type and a trailing newline.
    SandboxResponse::text(200, format!("{}\n", json!({ "publishId": publish_id })))
}
