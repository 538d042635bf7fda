//! The application's own server, written with `channels`: pusher-js's auth endpoint
//! (`POST /auth`), its user-authentication endpoint (`POST /signin`), and the webhook receiver
//! (`POST /webhook`), on 127.0.0.1.

use push_channels::{AuthRequest, Client, PresenceMember, UserAuthRequest, UserData};
use push_core::sandbox::{Recorder, SandboxRequest, SandboxResponse, SandboxServer};
use serde::de::DeserializeOwned;
use serde_json::json;

/// A webhook exactly as soketi delivered it.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) key: String,
    pub(crate) signature: String,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

/// What the auth endpoints were asked for: `/auth channel user` or `/signin user`.
pub(crate) type AuthLog = Recorder<String>;

/// The running endpoint.
#[derive(Debug)]
pub(crate) struct Endpoint {
    server: SandboxServer,
    webhooks: Recorder<Delivery>,
    auth_log: AuthLog,
}

impl Endpoint {
    /// Starts it; `client` signs every authorization and sign-in.
    pub(crate) async fn start(client: Client) -> Result<Self, String> {
        let webhooks = Recorder::default();
        let auth_log = AuthLog::default();
        let (hooks, log) = (webhooks.clone(), auth_log.clone());
        let server = SandboxServer::start(move |req| handle(&client, &hooks, &log, &req))
            .await
            .map_err(|e| format!("cannot start the auth/webhook endpoint: {e}"))?;
        Ok(Self {
            server,
            webhooks,
            auth_log,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        self.server.url()
    }

    /// Every webhook received so far.
    pub(crate) fn webhooks(&self) -> Vec<Delivery> {
        self.webhooks.all()
    }

    /// Every authorization and sign-in asked for so far.
    pub(crate) fn auth_log(&self) -> Vec<String> {
        self.auth_log.all()
    }
}

fn handle(
    client: &Client,
    webhooks: &Recorder<Delivery>,
    auth_log: &AuthLog,
    req: &SandboxRequest,
) -> SandboxResponse {
    // pusher-js posts a form: the SDK's request types read it, and the harness's own
    // `user_id` parameter (client.js's `params`) says who the connection is.
    #[derive(serde::Deserialize)]
    struct Who {
        user_id: String,
    }
    fn form<T: DeserializeOwned>(req: &SandboxRequest) -> Result<(T, String), SandboxResponse> {
        let read = |e: serde_urlencoded::de::Error| SandboxResponse::text(400, e.to_string());
        let request = serde_urlencoded::from_bytes(&req.body).map_err(read)?;
        let who: Who = serde_urlencoded::from_bytes(&req.body).map_err(read)?;
        Ok((request, who.user_id))
    }
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/auth") => {
            let (request, user_id) = match form::<AuthRequest>(req) {
                Ok(parts) => parts,
                Err(refused) => return refused,
            };
            let AuthRequest {
                socket_id,
                channel_name: channel,
            } = request;
            auth_log.push(format!("/auth {channel} {user_id}"));
            let member = if channel.starts_with("presence-") {
                match PresenceMember::new(user_id.as_str()).user_info(&json!({"name": user_id})) {
                    Ok(member) => Some(member),
                    Err(e) => return SandboxResponse::text(403, e.to_string()),
                }
            } else {
                None
            };
            match client.authorize_channel(&socket_id, &channel, member.as_ref()) {
                Ok(auth) => json_text(auth.to_json()),
                Err(e) => SandboxResponse::text(403, e.to_string()),
            }
        }
        ("POST", "/signin") => {
            let (UserAuthRequest { socket_id }, user_id) = match form(req) {
                Ok(parts) => parts,
                Err(refused) => return refused,
            };
            auth_log.push(format!("/signin {user_id}"));
            let user = match UserData::new(user_id.as_str()).user_info(&json!({"name": user_id})) {
                Ok(user) => user,
                Err(e) => return SandboxResponse::text(403, e.to_string()),
            };
            match client.authenticate_user(&socket_id, &user) {
                Ok(auth) => json_text(auth.to_json()),
                Err(e) => SandboxResponse::text(403, e.to_string()),
            }
        }
        ("POST", "/webhook") => {
            let header = |name: &str| req.header(name).unwrap_or_default().to_owned();
            webhooks.push(Delivery {
                key: header("x-pusher-key"),
                signature: header("x-pusher-signature"),
                content_type: header("content-type"),
                body: req.body.to_vec(),
            });
            json_text("{}".to_owned())
        }
        _ => SandboxResponse::text(404, "not found"),
    }
}

fn json_text(body: String) -> SandboxResponse {
    SandboxResponse::empty(200)
        .with_header("content-type", "application/json")
        .with_body(body)
}
