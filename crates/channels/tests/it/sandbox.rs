use channels::sandbox::*;
use push_core::{Request, RetryPolicy, Transport, hmac_sha256_hex, md5_hex};

fn sign(method: &str, path: &str, params: &[(&str, String)], body: &str, secret: &str) -> String {
    let mut p: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    if !body.is_empty() {
        p.push(("body_md5".into(), md5_hex(body.as_bytes())));
    }
    p.sort();
    let q = p
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let sig = hmac_sha256_hex(
        secret.as_bytes(),
        format!("{method}\n{path}\n{q}").as_bytes(),
    );
    format!("{q}&auth_signature={sig}")
}

fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

#[tokio::test]
async fn trigger_roundtrip_and_tamper() {
    let sb = Sandbox::start().await.unwrap();
    let t = Transport::builder(sb.url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let body = r#"{"name":"ev","data":"hi","channels":["a","b"]}"#;
    let path = "/apps/123456/events";
    let base = vec![
        ("auth_key", SANDBOX_KEY.to_owned()),
        ("auth_timestamp", now()),
        ("auth_version", "1.0".to_owned()),
    ];
    let q = sign("POST", path, &base, body, SANDBOX_SECRET);
    let r = t
        .send(Request::post(format!("{path}?{q}")).json_body(body))
        .await
        .unwrap();
    assert_eq!(r.body(), b"{}");
    assert_eq!(sb.events().len(), 1);
    assert_eq!(sb.events()[0].channels, vec!["a", "b"]);
    // tamper body
    let err = t
        .send(Request::post(format!("{path}?{q}")).json_body(body.replace("hi", "ho")))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    // wrong secret
    let q2 = sign("POST", path, &base, body, "nope");
    let err = t
        .send(Request::post(format!("{path}?{q2}")).json_body(body))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Invalid signature"), "{err}");
    // stale timestamp
    let old = vec![
        ("auth_key", SANDBOX_KEY.to_owned()),
        ("auth_timestamp", "1700000000".to_owned()),
        ("auth_version", "1.0".to_owned()),
    ];
    let q3 = sign("POST", path, &old, body, SANDBOX_SECRET);
    let err = t
        .send(Request::post(format!("{path}?{q3}")).json_body(body))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Timestamp expired"), "{err}");
    // GET channel with info
    sb.seed_channel("presence-x", ChannelState::presence(["u1", "u2", "u1"]));
    let gp = "/apps/123456/channels/presence-x";
    let mut p = base.clone();
    p.push(("info", "user_count".to_owned()));
    let q4 = sign("GET", gp, &p, "", SANDBOX_SECRET);
    let r = t.send(Request::get(format!("{gp}?{q4}"))).await.unwrap();
    assert_eq!(r.body(), br#"{"occupied":true,"user_count":2}"#);
    // oversized
    let big = format!(
        r#"{{"name":"ev","data":"{}","channels":["a"]}}"#,
        "x".repeat(10241)
    );
    let q5 = sign("POST", path, &base, &big, SANDBOX_SECRET);
    let err = t
        .send(Request::post(format!("{path}?{q5}")).json_body(big))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(413));
    assert_eq!(sb.events().len(), 1);
}
