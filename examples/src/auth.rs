//! An auth endpoint for pusher-js: private, presence and encrypted channel authorization and
//! user sign-in, as an axum router.
//!
//! pusher-js posts a form (`socket_id`, `channel_name`) to the channel-authorization endpoint
//! and (`socket_id`) to the user-authentication endpoint. Who the user is comes from your own
//! session; here, to keep the example self-contained, from an `X-User` header.

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use push_all::channels::{self, AuthRequest, PresenceMember, UserAuthRequest, UserData};

/// `POST /pusher/auth` and `POST /pusher/user-auth`, signing with `client`.
pub fn router(client: channels::Client) -> Router {
    Router::new()
        .route("/pusher/auth", post(authorize))
        .route("/pusher/user-auth", post(sign_in))
        .with_state(client)
}

/// The signed-in user of a request; replace with your session lookup.
fn current_user(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A JSON answer, or the SDK's error as 403 (refused) or 400 (malformed request).
fn answer(result: channels::Result<String>) -> Response {
    match result {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(err) if err.is_invalid_input() => {
            (StatusCode::BAD_REQUEST, err.to_string()).into_response()
        }
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

/// Answers for the signed-in user of the request, or 403 when nobody is.
fn for_user(headers: &HeaderMap, respond: impl FnOnce(String) -> Response) -> Response {
    match current_user(headers) {
        Some(user) => respond(user),
        None => (StatusCode::FORBIDDEN, "sign in first").into_response(),
    }
}

async fn authorize(
    State(client): State<channels::Client>,
    headers: HeaderMap,
    Form(form): Form<AuthRequest>,
) -> Response {
    for_user(&headers, |user| {
        // Your own access rule: here, `private-user-{id}` channels belong to that user only.
        if let Some(owner) = form.channel_name.strip_prefix("private-user-")
            && owner != user
        {
            return (StatusCode::FORBIDDEN, "not your channel").into_response();
        }
        let result = if form.channel_name.starts_with("presence-") {
            PresenceMember::new(user.clone())
                .user_info(&serde_json::json!({ "name": user }))
                .and_then(|member| {
                    client.authorize_channel(&form.socket_id, &form.channel_name, Some(&member))
                })
        } else {
            client.authorize_channel(&form.socket_id, &form.channel_name, None)
        };
        answer(result.map(|auth| auth.to_json()))
    })
}

async fn sign_in(
    State(client): State<channels::Client>,
    headers: HeaderMap,
    Form(form): Form<UserAuthRequest>,
) -> Response {
    for_user(&headers, |user| {
        let data = UserData::new(user.clone()).user_info(&serde_json::json!({ "name": user }));
        answer(
            data.and_then(|data| client.authenticate_user(&form.socket_id, &data))
                .map(|auth| auth.to_json()),
        )
    })
}
