//! A local stand-in for the Pusher Beams server API (feature `sandbox`).
//!
//! [`Sandbox::start`] serves the publish and customer APIs on `127.0.0.1` with an ephemeral
//! port. It checks the bearer secret key and the instance id as the service does, validates
//! publish bodies with the service's statuses and `{"error","description"}` bodies (interests,
//! users, platforms, body size, the web format's `time_to_live` and `data.pusher`), answers `{"publishId":"pubid-…"}` (as `text/plain`, like the
//! real service), and records every publish and user deletion it accepted, in order.
//!
//! ```
//! use push_beams::{PublishRequest, Web};
//! use push_beams::sandbox::{Audience, Sandbox};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> push_beams::Result<()> {
//! let sandbox = Sandbox::start().await?;
//! let client = sandbox.client()?;
//! let request = PublishRequest::new().web(Web::new().title("Hi").body("Hello"));
//! let id = client.publish_to_users(&["user-1"], &request).await?;
//! let published = sandbox.publishes();
//! assert_eq!(published[0].publish_id, id);
//! assert_eq!(published[0].audience, Audience::Users(vec!["user-1".into()]));
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use push_core::sandbox::{Fault, Recorder, SandboxRequest, SandboxResponse, SandboxServer};
use push_core::{Result, constant_time_eq};
use serde_json::{Value, json};

/// The instance id the sandbox serves unless told otherwise.
pub const SANDBOX_INSTANCE_ID: &str = "00000000-0000-4000-8000-000000000000";
/// The secret key the sandbox accepts unless told otherwise.
pub const SANDBOX_SECRET_KEY: &str = "SANDBOX0SECRET0KEY0000000000000000";

/// The most interests per publish.
pub const MAX_INTERESTS: usize = 100;
/// The most users per publish.
pub const MAX_USERS: usize = 1000;
/// The longest interest name or user id, in characters.
pub const MAX_ID_LEN: usize = 164;
/// The largest interests publish body, in bytes.
pub const MAX_INTERESTS_BODY: usize = 10 * 1024;
/// The largest users publish body, in bytes.
pub const MAX_USERS_BODY: usize = 200 * 1024;
/// The longest `web.time_to_live`, in seconds.
pub const MAX_WEB_TTL: u64 = 2_419_200;

/// Who a recorded publish was addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Audience {
    /// A publish to interests.
    Interests(Vec<String>),
    /// A publish to users.
    Users(Vec<String>),
}

/// A publish the sandbox accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedPublish {
    /// The publish id it answered with.
    pub publish_id: String,
    /// The interests or users addressed.
    pub audience: Audience,
    /// The whole JSON body received.
    pub body: Value,
}

/// A running Beams sandbox. Stops when the last clone is dropped.
#[derive(Clone)]
pub struct Sandbox {
    server: SandboxServer,
    instance_id: String,
    secret_key: String,
    publishes: Recorder<RecordedPublish>,
    deleted_users: Recorder<String>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.server.url())
            .field("instance_id", &self.instance_id)
            .finish_non_exhaustive()
    }
}

struct Instance {
    id: String,
    bearer: String,
    next_id: AtomicU64,
}

impl Sandbox {
    /// Starts a sandbox for [`SANDBOX_INSTANCE_ID`] accepting [`SANDBOX_SECRET_KEY`].
    pub async fn start() -> Result<Self> {
        Self::start_with(SANDBOX_INSTANCE_ID, SANDBOX_SECRET_KEY).await
    }

    /// Starts a sandbox for the given instance id and secret key.
    pub async fn start_with(instance_id: &str, secret_key: &str) -> Result<Self> {
        let publishes = Recorder::default();
        let deleted_users = Recorder::default();
        let instance = Arc::new(Instance {
            id: instance_id.to_owned(),
            bearer: format!("Bearer {secret_key}"),
            next_id: AtomicU64::new(1),
        });
        let (p, d) = (publishes.clone(), deleted_users.clone());
        let server = SandboxServer::start(move |req| handle(&instance, &p, &d, &req)).await?;
        Ok(Self {
            server,
            instance_id: instance_id.to_owned(),
            secret_key: secret_key.to_owned(),
            publishes,
            deleted_users,
        })
    }

    /// `http://127.0.0.1:{port}`: the base URL to give a client.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// A builder for a client of this sandbox (instance id, secret key and base URL set), to
    /// adjust before building.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder(self.instance_id.clone(), self.secret_key.clone())
            .base_url(self.url())
    }

    /// A client configured for this sandbox.
    pub fn client(&self) -> Result<crate::Client> {
        self.client_builder().build()
    }

    /// The instance id it serves.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// The secret key it accepts.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Every publish accepted so far, in order.
    pub fn publishes(&self) -> Vec<RecordedPublish> {
        self.publishes.all()
    }

    /// Removes and returns every publish accepted so far.
    pub fn take_publishes(&self) -> Vec<RecordedPublish> {
        self.publishes.take()
    }

    /// The user ids deleted so far, in order.
    pub fn deleted_users(&self) -> Vec<String> {
        self.deleted_users.all()
    }

    /// Answers each of the next `count` requests with `fault` (e.g. 429 with `Retry-After`).
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.server.fail_next(count, fault);
    }

    /// How many requests reached the sandbox, refused and faulted ones included.
    pub fn requests_seen(&self) -> usize {
        self.server.requests_seen()
    }
}

fn error(status: u16, title: &str, description: impl Into<String>) -> SandboxResponse {
    SandboxResponse::json(
        status,
        &json!({ "error": title, "description": description.into() }),
    )
}

fn handle(
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
