//! Shared helpers: the vector files, a client with the vectors' fixed inputs, and an
//! independent verifier of Channels request signatures.

use push_channels::{Client, ClientBuilder, MasterKey, NonceSource};
use push_core::{Clock, RetryPolicy, hmac_sha256_hex, md5_hex};
use serde_json::Value;

pub(crate) const APP_ID: &str = "123456";
pub(crate) const KEY: &str = "278d425bdf160c739803";
pub(crate) const SECRET: &str = "7ad3773142a6692b25b8";
pub(crate) const NOW: u64 = 1_700_000_000;
pub(crate) const MASTER_KEY_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

pub(crate) fn nonce() -> [u8; 24] {
    std::array::from_fn(|i| (i + 1) as u8)
}

fn load(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub(crate) fn node() -> Vec<Value> {
    load("node_channels.json")
}

pub(crate) fn python() -> Vec<Value> {
    load("python_channels.json")
}

pub(crate) fn case(cases: &[Value], name: &str) -> Value {
    cases
        .iter()
        .find(|c| c["case"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
        .clone()
}

/// A builder with the vectors' app, clock, master key and nonce, pointed at `base_url`.
pub(crate) fn fixed_builder(base_url: &str) -> ClientBuilder {
    Client::builder(APP_ID, KEY, SECRET)
        .base_url(base_url)
        .clock(Clock::fixed(NOW))
        .encryption_master_key(MasterKey::from_base64(MASTER_KEY_B64).unwrap())
        .nonce_source(NonceSource::fixed(nonce()))
        .retry_policy(RetryPolicy::none())
}

pub(crate) fn fixed_client(base_url: &str) -> Client {
    fixed_builder(base_url).build().unwrap()
}

/// Checks a received request's signature from scratch: the query minus `auth_signature`,
/// keys lower-cased and sorted, `body_md5` present exactly when there is a body.
pub(crate) fn assert_signed(method: &str, path: &str, query: &str, body: &[u8], secret: &str) {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut signature = None;
    for part in query.split('&') {
        let (k, v) = part.split_once('=').unwrap();
        if k == "auth_signature" {
            signature = Some(v.to_owned());
        } else {
            pairs.push((k.to_ascii_lowercase(), v.to_owned()));
        }
    }
    assert!(
        query.ends_with(&format!("auth_signature={}", signature.clone().unwrap())),
        "auth_signature is not last: {query}"
    );
    let md5 = pairs
        .iter()
        .find(|(k, _)| k == "body_md5")
        .map(|(_, v)| v.clone());
    if body.is_empty() {
        assert_eq!(md5, None, "body_md5 sent without a body: {query}");
    } else {
        assert_eq!(md5, Some(md5_hex(body)), "wrong body_md5: {query}");
    }
    let (_, expected) = sign_request(method, path, pairs, secret);
    assert_eq!(
        signature.unwrap(),
        expected,
        "signature of {method} {path}?{query}"
    );
}

/// Channels' request signature, worked out independently of the crate: the `key=value` pairs
/// sorted and joined with `&`, then the HMAC-SHA256 (hex) of `METHOD\npath\njoined`. Gives
/// the joined pairs and the signature.
pub(crate) fn sign_request(
    method: &str,
    path: &str,
    mut pairs: Vec<(String, String)>,
    secret: &str,
) -> (String, String) {
    pairs.sort();
    let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let joined = joined.join("&");
    let to_sign = format!("{method}\n{path}\n{joined}");
    let signature = hmac_sha256_hex(secret.as_bytes(), to_sign.as_bytes());
    (joined, signature)
}

/// The raw JSON text of `input.<field>` of a case (and of each `input.batch[i].data`), key
/// order as the SDK saw it.
pub(crate) fn raw_input(
    file: &str,
    name: &str,
) -> std::collections::HashMap<String, Box<serde_json::value::RawValue>> {
    #[derive(serde::Deserialize)]
    struct Case {
        case: String,
        input: Box<serde_json::value::RawValue>,
    }
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let cases: Vec<Case> = serde_json::from_str(&text).unwrap();
    let c = cases.into_iter().find(|c| c.case == name).unwrap();
    let fields: std::collections::HashMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(c.input.get()).unwrap();
    fields
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                serde_json::value::RawValue::from_string(minify(v.get())).unwrap(),
            )
        })
        .collect()
}

/// JSON text without the whitespace between tokens (strings untouched), keys in place.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for ch in json.chars() {
        if in_string {
            out.push(ch);
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if ch == '"' {
            in_string = true;
            out.push(ch);
        } else if !ch.is_whitespace() {
            out.push(ch);
        }
    }
    out
}

/// A server that answers every request with `status` and `body`, and a client pointed at it.
pub(crate) async fn answer(status: u16, body: &str) -> (wiremock::MockServer, Client) {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(status).set_body_string(body))
        .mount(&server)
        .await;
    let client = fixed_client(&server.uri());
    (server, client)
}
