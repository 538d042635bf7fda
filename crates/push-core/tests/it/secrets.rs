//! No secret, token or signature ever appears in Debug output, errors or logs.

use push_core::{Error, HmacSha256Key, Request, RetryPolicy, Secret, Transport};
use wiremock::ResponseTemplate;

use push_test_support::mock::answering;

const TOKEN: &str = "tok-SECRET-0123456789";
const SIGNATURE: &str = "deadbeefSIGNATURE";
const PROXY_PASSWORD: &str = "proxyPASSWORD";

fn assert_clean(text: &str) {
    for secret in [TOKEN, SIGNATURE, PROXY_PASSWORD] {
        assert!(!text.contains(secret), "{secret} leaked in: {text}");
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_traces() {
    // A process-wide subscriber filtered to this thread: a thread-local default can miss
    // events whose callsites other tests cached as disabled first.
    let captured = push_test_support::capture_this_thread();

    let unauthorized = ResponseTemplate::new(401).set_body_string("Unauthorized");
    let server = answering("POST", vec![(unauthorized, 1)]).await;

    let secret = Secret::new(TOKEN);
    let builder = Transport::builder(server.uri())
        .bearer_auth(&secret)
        .retry_policy(RetryPolicy::none());
    assert_clean(&format!("{builder:?}"));
    let t = builder.build().unwrap();
    let mut shown = format!("{t:?} {secret:?} {secret}");

    let request =
        Request::post(format!("/events?auth_key=k&auth_signature={SIGNATURE}")).json_body("{}");
    shown.push_str(&format!("{request:?}"));
    let err = t.send(request).await.unwrap_err();
    shown.push_str(&format!("{err} {err:?}"));

    // A transport failure: the URL (with its query) must not be in the error.
    let refused = crate::raw_server::refused_url();
    let t2 = Transport::builder(refused)
        .bearer_auth(&secret)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = t2
        .send(Request::get(format!("/x?auth_signature={SIGNATURE}")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }));
    let mut source: Option<&dyn std::error::Error> = Some(&err);
    while let Some(e) = source {
        shown.push_str(&format!(" {e} {e:?}"));
        source = e.source();
    }

    // A proxy URL with credentials.
    let b =
        Transport::builder("https://h").proxy(format!("http://user:{PROXY_PASSWORD}@127.0.0.1:1"));
    shown.push_str(&format!("{b:?}"));

    let key = HmacSha256Key::new(TOKEN.as_bytes());
    shown.push_str(&format!("{key:?}"));

    let traces = captured.text();
    assert!(
        traces.contains("push_request"),
        "tracing spans were emitted: {traces}"
    );
    assert!(traces.contains("status=401"), "{traces}");
    // The span of each failed request records how it ended.
    assert!(traces.contains("http.response.status_code=401"), "{traces}");
    assert!(traces.contains("error.type=\"401\""), "{traces}");
    assert!(traces.contains("error.type=\"connect\""), "{traces}");
    shown.push_str(&traces);
    assert_clean(&shown);
}

/// A retried request says so in its span: `http.request.resend_count` counts the resends.
#[tokio::test]
async fn the_span_counts_resends() {
    let captured = push_test_support::capture_this_thread();
    let ok = ResponseTemplate::new(200).set_body_string("{}");
    let server = answering("GET", vec![(ResponseTemplate::new(503), 2), (ok, 1)]).await;
    let t = Transport::builder(server.uri())
        .retry_policy(crate::fast_policy(3))
        .sleeper(crate::RecordingSleeper::default().sleeper())
        .build()
        .unwrap();
    t.send(Request::get("/things?secret_query=1"))
        .await
        .unwrap();
    let traces = captured.text();
    assert!(traces.contains("http.request.resend_count=2"), "{traces}");
    assert!(traces.contains("http.response.status_code=200"), "{traces}");
    assert!(traces.contains("url.path=\"/things\""), "{traces}");
    assert!(!traces.contains("secret_query"), "{traces}");
}
