//! Secret hygiene: the whole public surface is run with every `tracing` event of the test
//! thread captured (TRACE and up, spans and their fields included, by an fmt layer; the
//! runtime is single-threaded so the HTTP client's events are on that thread too), and every value and error is
//! printed with `{:?}`, `{:#?}` and `{}`. No secret key, bearer header, token, or webhook
//! secret or signature may appear anywhere in that text.
//!
//! Not captured: records reqwest sends through the `log` crate (connection set-up; they carry
//! no headers).

use std::time::Duration;

use hmac::{Hmac, Mac};
use push_beams::{Apns, Client, Fcm, PublishRequest, Web, validate_webhook};
use push_test_support::secrets::{
    assert_base_url_secrets_hidden, assert_none_leaked, capture_with_runtime, quick_retries,
};
use push_test_support::show;
use sha1::Sha1;

use crate::faults::{Act, Seen, Server, answer, answer_with};
use crate::{INSTANCE, KEY};

const WEBHOOK_SECRET: &str = "whsec-2b7e151628aed2a6abf71589";

fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Answers by what the request asks for: the interest or user id names the behaviour.
fn respond(_: usize, seen: &Seen) -> Act {
    let body = String::from_utf8_lossy(&seen.body);
    let has = |word: &str| body.contains(word) || seen.path.ends_with(word);
    if has("unauthorized") {
        answer(
            401,
            r#"{"error":"Unauthorized","description":"Incorrect API Key"}"#,
        )
    } else if has("busy") {
        answer_with(503, &[("Retry-After", "0")], "")
    } else if has("broken") || has("flaky") {
        answer(
            500,
            r#"{"error":"Internal server error","description":"oops"}"#,
        )
    } else if has("garbled") {
        answer(200, "<html>not json</html>")
    } else if has("silent") {
        Act::Silent
    } else if has("ghost") {
        answer(404, r#"{"error":"Not found","description":"no such user"}"#)
    } else if seen.method == "DELETE" {
        answer(200, "")
    } else {
        answer(200, r#"{"publishId":"pubid-1"}"#)
    }
}

#[test]
fn no_secret_in_any_output() {
    let (capture, rt) = capture_with_runtime();
    let mut shown: Vec<String> = Vec::new();

    // Builders, clients and their errors.
    let server = rt.block_on(Server::start(respond));
    let policy = quick_retries();
    let builder = Client::builder(INSTANCE, KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(300))
        .retry_policy(policy.clone())
        .proxy("http://proxy-user:proxy-pass@127.0.0.1:9")
        .webhook_secret(WEBHOOK_SECRET);
    show!(shown, debug: &builder, &policy);
    // The proxy is only shown, never used: the client below talks to the server directly.
    let builder = Client::builder(INSTANCE, KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(300))
        .retry_policy(policy)
        .webhook_secret(WEBHOOK_SECRET);
    show!(shown, debug: &builder);
    let client = builder.build().unwrap();
    show!(shown, debug: &client);
    for bad in [
        Client::builder("", KEY).build(),
        Client::builder("not/an id", KEY).build(),
        Client::builder(INSTANCE, "").build(),
        Client::builder(INSTANCE, KEY)
            .base_url("ftp://example.invalid")
            .build(),
        Client::builder(INSTANCE, KEY).base_url("not a url").build(),
        Client::builder(INSTANCE, KEY).webhook_secret("").build(),
    ] {
        show!(shown, both: bad.unwrap_err());
    }

    // Publishing and deleting: success, API errors, retries, timeouts, decode and input errors.
    let request = PublishRequest::new()
        .apns(Apns::new().alert("T", "B").badge(1))
        .fcm(Fcm::new().notification("T", "B"))
        .web(Web::new().title("T").body("B"));
    show!(shown, debug: &request);
    rt.block_on(async {
        for interest in [
            "ok",
            "unauthorized",
            "busy",
            "broken",
            "garbled",
            "silent",
            "bad interest!",
        ] {
            match client.publish_to_interests(&[interest], &request).await {
                Ok(id) => shown.push(id),
                Err(e) => show!(shown, both: e),
            }
        }
        for user in ["ok-user", "ghost", "flaky", ""] {
            let result = client.publish_to_users(&[user], &request).await;
            show!(shown, debug: &result);
            if let Err(e) = client.delete_user(user).await {
                show!(shown, both: e);
            }
        }
        let users: Vec<String> = (0..1500).map(|i| format!("user-{i}")).collect();
        let chunks = client.publish_to_users_chunked(&users, &request).await;
        show!(shown, debug: &chunks);
    });

    // Tokens.
    let token = client.generate_token("user-1").unwrap();
    show!(shown, debug: &token, client.generate_token(""));
    let jwt = token.token;
    let jwt_signature = jwt.rsplit('.').next().unwrap().to_owned();

    // Webhooks: valid, wrong signature, not hex, signed but malformed; from the parts and
    // from a request's headers; and a client without a webhook secret.
    let body = br#"{"payload":{"instance_id":"i","publish_id":"p","user_id":"u"},"metadata":{"event_type":"v1.UserNotificationOpen"}}"#;
    let signature = sign(body);
    let signed = |sig: &str| {
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-signature", sig.parse().unwrap());
        headers
    };
    show!(shown, debug: validate_webhook(WEBHOOK_SECRET.as_bytes(), &signature, body).unwrap());
    show!(shown, debug: client.verify_webhook(&signed(&signature), body).unwrap());
    let mut wrong = signature.clone().into_bytes();
    wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap();
    for (sig, body) in [
        (wrong.as_str(), &body[..]),
        ("not hex", &body[..]),
        (signature.as_str(), &body[..10]),
        (sign(b"{}").as_str(), &b"{}"[..]),
    ] {
        show!(shown, both: validate_webhook(WEBHOOK_SECRET.as_bytes(), sig, body).unwrap_err());
        show!(shown, both: client.verify_webhook(&signed(sig), body).unwrap_err());
    }
    show!(shown, both: client.verify_webhook(&http::HeaderMap::new(), body).unwrap_err());
    let unset = Client::builder(INSTANCE, KEY).build().unwrap();
    show!(shown, both: unset.verify_webhook(&signed(&signature), body).unwrap_err());

    drop(server);
    let secrets = [
        ("secret key", KEY.to_owned()),
        ("bearer header", format!("Bearer {KEY}")),
        ("token", jwt),
        ("token signature", jwt_signature),
        ("webhook secret", WEBHOOK_SECRET.to_owned()),
        ("proxy password", "proxy-pass".to_owned()),
        ("webhook signature", signature),
        ("wrong webhook signature", wrong),
    ];
    assert_none_leaked(capture.text(), shown, &secrets);
}

/// A base URL with user info, a query or a fragment: refused at build, and neither the error
/// nor the builder's `Debug` shows the password, the query or the user info; a base URL that
/// builds shows in the client's `Debug` without them too.
#[test]
fn base_url_user_info_and_query_are_never_shown() {
    let builder = |url: &str| Client::builder(INSTANCE, KEY).base_url(url);
    assert_base_url_secrets_hidden(builder, push_beams::ClientBuilder::build);
    let client = builder("https://host:8443/beams/").build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("https://host:8443/beams"), "{shown}");
}
