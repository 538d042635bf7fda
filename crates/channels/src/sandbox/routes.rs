//! The sandbox's routes: authentication as the service checks it, then each endpoint.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use push_core::sandbox::{Recorder, SandboxRequest, SandboxResponse};
use push_core::{Result, constant_time_eq, md5_hex};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{App, ChannelState, Limits, RecordedEvent, State, TIMESTAMP_WINDOW_SECS};

fn text(status: u16, body: impl Into<String>) -> SandboxResponse {
    SandboxResponse::text(status, body)
}

pub(super) fn handle(
    app: &App,
    state: &Mutex<State>,
    events: &Recorder<RecordedEvent>,
    terminations: &Recorder<String>,
    req: &SandboxRequest,
) -> SandboxResponse {
    let (limits, offset) = {
        let s = state.lock().unwrap_or_else(PoisonError::into_inner);
        (s.limits.clone(), s.clock_offset_secs)
    };
    let segments = req.path_segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let ["apps", app_id, rest @ ..] = segs.as_slice() else {
        return text(404, "404 NOT FOUND\n");
    };
    if *app_id != app.id {
        return text(404, format!("Unknown app: {app_id}"));
    }
    if let Err(resp) = authenticate(app, req, offset) {
        return resp;
    }
    match (req.method.as_str(), rest) {
        ("POST", ["events"]) => trigger(state, events, req, &limits),
        ("POST", ["batch_events"]) => batch(state, events, req, &limits),
        ("GET", ["channels"]) => list_channels(state, req),
        ("GET", ["channels", channel]) => channel_info(state, req, channel),
        ("GET", ["channels", channel, "users"]) => channel_users(state, req, channel),
        ("POST", ["users", user_id, "terminate_connections"]) => {
            if let Some(resp) = extraneous_params(req) {
                return resp;
            }
            terminations.push((*user_id).to_owned());
            SandboxResponse::json(200, &json!({}))
        }
        _ => text(404, "404 NOT FOUND\n"),
    }
}

/// Verifies the request signature as the service does; `Err` is the 401 to send.
fn authenticate(app: &App, req: &SandboxRequest, offset: i64) -> Result<(), SandboxResponse> {
    let params = req.query_pairs();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    for required in [
        "auth_key",
        "auth_timestamp",
        "auth_version",
        "auth_signature",
    ] {
        if get(required).is_none() {
            return Err(text(401, format!("Missing required parameter: {required}")));
        }
    }
    if get("auth_key") != Some(app.key.as_str()) {
        return Err(text(401, "Unknown auth_key"));
    }
    if get("auth_version") != Some("1.0") {
        return Err(text(401, "Unsupported auth_version"));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
        + offset;
    let Some(ts) = get("auth_timestamp").and_then(|t| t.parse::<i64>().ok()) else {
        return Err(text(401, "auth_timestamp must be an integer"));
    };
    if (now - ts).abs() >= TIMESTAMP_WINDOW_SECS {
        return Err(text(
            401,
            format!(
                "Timestamp expired: Given timestamp ({ts}) not within {TIMESTAMP_WINDOW_SECS}s of server time ({now})"
            ),
        ));
    }
    match get("body_md5") {
        Some(md5) if !constant_time_eq(md5.as_bytes(), md5_hex(&req.body).as_bytes()) => {
            return Err(text(401, "body_md5 does not match the body"));
        }
        None if !req.body.is_empty() => {
            return Err(text(401, "Missing required parameter: body_md5"));
        }
        _ => {}
    }
    let mut signed: Vec<(String, &str)> = params
        .iter()
        .filter(|(k, _)| k != "auth_signature")
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    signed.sort();
    let query = signed
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("{}\n{}\n{}", req.method, req.path, query);
    let given = get("auth_signature").unwrap_or_default();
    if !app.hmac.verify_hex(to_sign.as_bytes(), given) {
        return Err(text(
            401,
            format!(
                "Invalid signature: you should have sent HmacSHA256Hex({to_sign:?}, your_secret_key), but you sent {given:?}"
            ),
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct EventBody {
    name: Option<String>,
    data: Option<Value>,
    channels: Option<Vec<String>>,
    channel: Option<String>,
    socket_id: Option<String>,
    info: Option<String>,
}

#[derive(Deserialize)]
struct BatchBody {
    batch: Option<Vec<EventBody>>,
}

/// A channel name the service accepts: the documented alphabet and length, or a per-user
/// channel of any non-empty user id.
fn valid_channel(name: &str, limits: &Limits) -> bool {
    if let Some(user_id) = name.strip_prefix("#server-to-user-") {
        return !user_id.is_empty();
    }
    !name.is_empty()
        && name.chars().count() <= limits.max_channel_name
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=@,.;".contains(&b))
}

fn valid_socket_id(id: &str) -> bool {
    let Some((a, b)) = id.split_once('.') else {
        return false;
    };
    !a.is_empty()
        && !b.is_empty()
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.bytes().all(|c| c.is_ascii_digit())
}

/// Checks one event; `Ok` is the validated (name, channels, data, socket_id, info).
fn check_event(
    ev: EventBody,
    limits: &Limits,
    single_channel: bool,
) -> Result<(RecordedEvent, Option<String>), SandboxResponse> {
    let Some(name) = ev.name.filter(|n| !n.is_empty()) else {
        return Err(text(400, "Missing required parameter: name"));
    };
    if name.len() > limits.max_event_name {
        return Err(text(
            400,
            format!("Event name too long (max {} bytes)", limits.max_event_name),
        ));
    }
    let data = match ev.data {
        Some(Value::String(s)) => s,
        Some(_) => return Err(text(400, "data must be a string")),
        None => return Err(text(400, "Missing required parameter: data")),
    };
    // A trigger names its channels in `channels`, or one in `channel` (both are documented;
    // given both, the event goes to every channel named). A batch entry names its one
    // `channel` (documented as required there).
    let channels = if single_channel {
        match ev.channel {
            Some(one) => vec![one],
            None => return Err(text(400, "Missing required parameter: channel")),
        }
    } else {
        let mut channels = ev.channels.unwrap_or_default();
        if let Some(one) = ev.channel
            && !channels.contains(&one)
        {
            channels.push(one);
        }
        channels
    };
    if channels.is_empty() {
        return Err(text(400, "Missing required parameter: channels"));
    }
    if channels.len() > limits.max_channels {
        return Err(text(
            400,
            format!(
                "Too many channels: at most {} channels per event",
                limits.max_channels
            ),
        ));
    }
    if let Some(bad) = channels.iter().find(|c| !valid_channel(c, limits)) {
        return Err(text(
            400,
            format!("Bad request: invalid channel name {bad:?}"),
        ));
    }
    if let Some(socket) = &ev.socket_id
        && !valid_socket_id(socket)
    {
        return Err(text(400, format!("Invalid socket_id: {socket:?}")));
    }
    if data.len() > limits.max_data_bytes {
        return Err(text(
            413,
            format!(
                "The data content of this event exceeds the allowed maximum ({} bytes).",
                limits.max_data_bytes
            ),
        ));
    }
    Ok((
        RecordedEvent {
            name,
            channels,
            data,
            socket_id: ev.socket_id,
        },
        ev.info,
    ))
}

/// The `info` attributes of `channel` for `GET /channels/{name}`, or the 400 the service
/// documents for an attribute the channel does not have.
fn channel_attributes(
    channels: &BTreeMap<String, ChannelState>,
    channel: &str,
    info: &str,
) -> Result<serde_json::Map<String, Value>, SandboxResponse> {
    let state = channels.get(channel).cloned().unwrap_or_default();
    let presence = channel.starts_with("presence-");
    let mut out = serde_json::Map::new();
    for attr in info.split(',').filter(|a| !a.is_empty()) {
        match attr {
            "user_count" if presence => {
                out.insert("user_count".into(), json!(distinct_users(&state)));
            }
            "user_count" => {
                return Err(text(
                    400,
                    "Cannot retrieve the user count unless the channel is a presence channel",
                ));
            }
            // The docs' table lists it for non-presence channels, but their own example
            // answer carries it beside user_count: answered for every channel.
            "subscription_count" => {
                out.insert("subscription_count".into(), json!(state.subscription_count));
            }
            "cache" if crate::validate::is_cache_channel(channel) => {
                // The sandbox keeps no cached events: the documented answer for an empty cache.
                out.insert("cache".into(), Value::Null);
            }
            "cache" => {
                return Err(text(
                    400,
                    "Cannot retrieve the cache unless the channel is a cache channel",
                ));
            }
            other => return Err(text(400, format!("Unsupported info attribute: {other}"))),
        }
    }
    Ok(out)
}

/// The `info` attributes of a triggered channel: the counts that apply to it (a presence
/// channel has both), and nothing for attributes that do not. The service documents no
/// refusal here; it reports what it can for each channel.
fn triggered_attributes(
    channels: &BTreeMap<String, ChannelState>,
    channel: &str,
    info: &str,
) -> serde_json::Map<String, Value> {
    let state = channels.get(channel).cloned().unwrap_or_default();
    let presence = channel.starts_with("presence-");
    let mut out = serde_json::Map::new();
    for attr in info.split(',') {
        match attr {
            "user_count" if presence => {
                out.insert("user_count".into(), json!(distinct_users(&state)));
            }
            "subscription_count" => {
                out.insert("subscription_count".into(), json!(state.subscription_count));
            }
            _ => {}
        }
    }
    out
}

fn distinct_users(state: &ChannelState) -> usize {
    let mut ids: Vec<&String> = state.user_ids.iter().collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// The JSON body. The docs ask senders to set `Content-Type: application/json` but document
/// no refusal without it, so only the body itself is judged.
fn parse_body<T: for<'de> Deserialize<'de>>(req: &SandboxRequest) -> Result<T, SandboxResponse> {
    serde_json::from_slice(&req.body).map_err(|err| text(400, format!("Invalid JSON body: {err}")))
}

fn trigger(
    state: &Mutex<State>,
    events: &Recorder<RecordedEvent>,
    req: &SandboxRequest,
    limits: &Limits,
) -> SandboxResponse {
    let body: EventBody = match parse_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (event, info) = match check_event(body, limits, false) {
        Ok(ok) => ok,
        Err(resp) => return resp,
    };
    let answer = match &info {
        None => json!({}),
        Some(info) => {
            let s = state.lock().unwrap_or_else(PoisonError::into_inner);
            let channels: serde_json::Map<String, Value> = event
                .channels
                .iter()
                .map(|ch| {
                    let attrs = triggered_attributes(&s.channels, ch, info);
                    (ch.clone(), Value::Object(attrs))
                })
                .collect();
            json!({ "channels": channels })
        }
    };
    events.push(event);
    SandboxResponse::json(200, &answer)
}

fn batch(
    state: &Mutex<State>,
    events: &Recorder<RecordedEvent>,
    req: &SandboxRequest,
    limits: &Limits,
) -> SandboxResponse {
    let body: BatchBody = match parse_body(req) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Some(batch) = body.batch else {
        return text(400, "Missing required parameter: batch");
    };
    if batch.is_empty() {
        return text(400, "Missing required parameter: batch");
    }
    if batch.len() > limits.max_batch {
        return text(
            400,
            format!(
                "Cannot batch-send more than {} messages at once",
                limits.max_batch
            ),
        );
    }
    let mut accepted = Vec::with_capacity(batch.len());
    for ev in batch {
        match check_event(ev, limits, true) {
            Ok(ok) => accepted.push(ok),
            Err(resp) => return resp,
        }
    }
    let any_info = accepted.iter().any(|(_, info)| info.is_some());
    let answer = if any_info {
        let s = state.lock().unwrap_or_else(PoisonError::into_inner);
        let out: Vec<Value> = accepted
            .iter()
            .map(|(event, info)| match info {
                Some(info) => {
                    Value::Object(triggered_attributes(&s.channels, &event.channels[0], info))
                }
                None => json!({}),
            })
            .collect();
        json!({ "batch": out })
    } else {
        json!({})
    };
    for (event, _) in accepted {
        events.push(event);
    }
    SandboxResponse::json(200, &answer)
}

fn list_channels(state: &Mutex<State>, req: &SandboxRequest) -> SandboxResponse {
    let prefix = req.query_param("filter_by_prefix").unwrap_or_default();
    let info = req.query_param("info").unwrap_or_default();
    let mut wants_users = false;
    for attr in info.split(',').filter(|a| !a.is_empty()) {
        match attr {
            "user_count" if prefix.starts_with("presence-") => wants_users = true,
            "user_count" => {
                return text(
                    400,
                    "user_count may only be requested for presence channels: add filter_by_prefix=presence-",
                );
            }
            other => return text(400, format!("Unsupported info attribute: {other}")),
        }
    }
    let s = state.lock().unwrap_or_else(PoisonError::into_inner);
    let mut channels = serde_json::Map::new();
    for (name, ch) in s
        .channels
        .iter()
        .filter(|(n, c)| n.starts_with(&prefix) && c.subscription_count > 0)
    {
        let value = if wants_users {
            json!({ "user_count": distinct_users(ch) })
        } else {
            json!({})
        };
        channels.insert(name.clone(), value);
    }
    SandboxResponse::json(200, &json!({ "channels": channels }))
}

fn channel_info(state: &Mutex<State>, req: &SandboxRequest, channel: &str) -> SandboxResponse {
    let s = state.lock().unwrap_or_else(PoisonError::into_inner);
    let occupied = s
        .channels
        .get(channel)
        .is_some_and(|c| c.subscription_count > 0);
    let info = req.query_param("info").unwrap_or_default();
    match channel_attributes(&s.channels, channel, &info) {
        Ok(mut attrs) => {
            attrs.insert("occupied".into(), json!(occupied));
            SandboxResponse::json(200, &Value::Object(attrs))
        }
        Err(resp) => resp,
    }
}

/// The 400 for parameters beyond the signature's, on the endpoints documented with "No
/// additional parameters needed or allowed".
fn extraneous_params(req: &SandboxRequest) -> Option<SandboxResponse> {
    let extraneous: Vec<String> = req
        .query_pairs()
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| !k.starts_with("auth_") && k != "body_md5")
        .collect();
    (!extraneous.is_empty()).then(|| {
        text(
            400,
            format!(
                "The following query string parameters are extraneous: {}",
                extraneous.join(", ")
            ),
        )
    })
}

fn channel_users(state: &Mutex<State>, req: &SandboxRequest, channel: &str) -> SandboxResponse {
    if let Some(resp) = extraneous_params(req) {
        return resp;
    }
    if !channel.starts_with("presence-") {
        return text(400, "Users may only be requested for presence channels");
    }
    let s = state.lock().unwrap_or_else(PoisonError::into_inner);
    let mut ids: Vec<&String> = s
        .channels
        .get(channel)
        .map(|c| c.user_ids.iter().collect())
        .unwrap_or_default();
    ids.sort();
    ids.dedup();
    let users: Vec<Value> = ids.into_iter().map(|id| json!({ "id": id })).collect();
    SandboxResponse::json(200, &json!({ "users": users }))
}
