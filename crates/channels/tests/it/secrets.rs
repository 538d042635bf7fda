//! Secret hygiene: the public API run with `tracing` captured at TRACE, every value and error
//! printed; no secret, master key, shared secret or signature may appear in that text.

use push_channels::{BatchEvent, Client, MasterKey, PresenceMember, UserData};
use wiremock::matchers::{any, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[test]
fn nothing_secret_is_printed_or_logged() {
    // One thread: every event of the client and its HTTP stack is on this thread.
    let (capture, rt) = push_test_support::secrets::capture_with_runtime();
    let mut printed = String::new();
    let mut signatures: Vec<String> = Vec::new();

    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_string("Invalid signature"))
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        let builder = fixed_builder(&server.uri());
        let client = builder.clone().build().unwrap();
        printed += &format!("{builder:?}\n{builder:#?}\n{client:?}\n{client:#?}\n");

        let mut log = |label: &str, text: String| printed.push_str(&format!("{label}: {text}\n"));
        log(
            "trigger",
            format!("{:?}", client.trigger("c", "e", "d").await),
        );
        log(
            "encrypted",
            format!(
                "{:?}",
                client
                    .trigger("private-encrypted-c", "e", "secret data")
                    .await
            ),
        );
        log(
            "batch",
            format!(
                "{:?}",
                client
                    .trigger_batch(&[BatchEvent::new("c", "e", "d").unwrap()])
                    .await
            ),
        );
        let err = client.channels_info(None, &[]).await.unwrap_err();
        log(
            "401",
            format!("{err:?} / {err} / {:?}", std::error::Error::source(&err)),
        );
        log(
            "invalid",
            format!("{:?}", client.trigger("bad channel", "e", "d").await),
        );
        let auth = client
            .authorize_channel("1.2", "private-encrypted-c", None)
            .unwrap();
        signatures.push(auth.auth.split_once(':').unwrap().1.to_owned());
        log("auth", format!("{auth:?} {auth:#?}"));
        let member = PresenceMember::new("u");
        let auth = client
            .authorize_channel("1.2", "presence-c", Some(&member))
            .unwrap();
        signatures.push(auth.auth.split_once(':').unwrap().1.to_owned());
        log("presence", format!("{auth:?}"));
        let user = client
            .authenticate_user("1.2", &UserData::new("u"))
            .unwrap();
        signatures.push(user.auth.split_once(':').unwrap().1.to_owned());
        log("user", format!("{user:?}"));
        let body = br#"{"time_ms":1,"events":[]}"#;
        let sig = push_core::hmac_sha256_hex(SECRET.as_bytes(), body);
        log(
            "webhook",
            format!("{:?}", client.validate_webhook(KEY, &sig, body)),
        );
        log(
            "bad webhook",
            format!("{:?}", client.validate_webhook(KEY, &sig[1..], b"{}")),
        );
        log(
            "master key",
            format!("{:?}", MasterKey::from_base64(MASTER_KEY_B64).unwrap()),
        );
        let unreachable = Client::builder(APP_ID, KEY, SECRET)
            .base_url("http://127.0.0.1:1")
            .retry_policy(push_channels::RetryPolicy::none())
            .build()
            .unwrap();
        let err = unreachable.trigger("c", "e", "d").await.unwrap_err();
        log("refused", format!("{err:?} / {err}"));

        for request in server.received_requests().await.unwrap() {
            let query = request.url.query().unwrap_or_default().to_owned();
            if let Some(sig) = query
                .split('&')
                .find_map(|p| p.strip_prefix("auth_signature="))
            {
                signatures.push(sig.to_owned());
            }
        }
    });
    let logged = capture.text();
    assert!(
        logged.contains("push_request"),
        "tracing was not captured: {logged}"
    );
    // The request span carries the OpenTelemetry HTTP client fields, the path without its
    // query, and the answer's status and error type.
    for field in [
        "http.request.method=\"POST\"",
        "http.request.method=\"GET\"",
        "server.address=\"127.0.0.1\"",
        "server.port=",
        "url.path=\"/apps/123456/events\"",
        "http.response.status_code=401",
        "error.type=\"401\"",
        "error.type=\"connect\"",
    ] {
        assert!(logged.contains(field), "{field} not in:\n{logged}");
    }
    let all = format!("{printed}\n{logged}");

    let shared_secret = fixed_client("http://127.0.0.1:1")
        .channel_shared_secret("private-encrypted-c")
        .unwrap();
    let mut forbidden = vec![
        SECRET.to_owned(),
        MASTER_KEY_B64.to_owned(),
        shared_secret,
        "secret data".to_owned(),
    ];
    assert!(signatures.len() >= 6, "{signatures:?}");
    forbidden.extend(signatures);
    for secret in &forbidden {
        assert!(
            !all.contains(secret.as_str()),
            "{secret:?} leaked in:\n{all}"
        );
    }
}
