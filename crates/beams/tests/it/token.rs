//! Tokens checked claim by claim against the SDK vectors at the fixed clock.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use push_beams::{Client, Clock};
use serde_json::{Value, json};

use crate::{INSTANCE, KEY, case, client};

fn claims(token: &str) -> Value {
    let mut v = Validation::new(Algorithm::HS256);
    v.validate_exp = false;
    v.set_issuer(&[format!("https://{INSTANCE}.pushnotifications.pusher.com")]);
    v.required_spec_claims.clear();
    decode::<Value>(token, &DecodingKey::from_secret(KEY.as_bytes()), &v)
        .unwrap()
        .claims
}

#[test]
fn token_matches_python_claims_in_utc() {
    let py = case("python_beams.json", "beams.generate_token");
    let node = case("node_beams.json", "beams.generate_token");
    let ours = client("http://127.0.0.1:9")
        .generate_token("user-1")
        .unwrap()
        .token;
    let got = claims(&ours);
    let want = &py["output"]["decoded"]["payload"];
    assert_eq!(got["sub"], want["sub"]);
    assert_eq!(got["iss"], want["iss"]);
    assert_eq!(got["exp"], want["exp"]);
    assert_eq!(got["exp"], node["output"]["decoded"]["payload"]["exp"]);
    assert_eq!(got["exp"], json!(1_700_000_000u64 + 86_400));
    // No iat (Node sets one; clients with slow clocks then reject the token).
    assert!(got.get("iat").is_none());
    assert_eq!(got.as_object().unwrap().len(), 3);
    // Same claim order and encoding as Python: the payload segment is identical.
    let py_token = py["output"]["token"].as_str().unwrap();
    assert_eq!(ours.split('.').nth(1), py_token.split('.').nth(1));
    // Both SDK tokens verify with the same key and algorithm as ours.
    assert_eq!(claims(py_token)["sub"], "user-1");
    assert_eq!(
        claims(node["output"]["token"].as_str().unwrap())["sub"],
        "user-1"
    );
}

#[test]
fn local_time_zone_bug_is_not_copied() {
    let bug = case("python_beams.json", "beams.generate_token.tz_new_york");
    let ours = claims(
        &client("http://127.0.0.1:9")
            .generate_token("user-1")
            .unwrap()
            .token,
    );
    assert_ne!(ours["exp"], bug["output"]["decoded"]["payload"]["exp"]);
}

#[test]
fn header_is_hs256() {
    let t = client("http://127.0.0.1:9")
        .generate_token("user-1")
        .unwrap()
        .token;
    let h = jsonwebtoken::decode_header(&t).unwrap();
    assert_eq!(h.alg, Algorithm::HS256);
}

#[test]
fn clock_is_injectable() {
    let c = Client::builder(INSTANCE, KEY)
        .clock(Clock::fixed(1000))
        .build()
        .unwrap();
    assert_eq!(
        claims(&c.generate_token("x").unwrap().token)["exp"],
        json!(1000 + 86_400)
    );
}
