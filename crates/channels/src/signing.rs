//! Request signing for the Channels HTTP API (auth version 1.0).
//!
//! The query parameters (ours and the caller's) are sorted by lower-cased key, joined as
//! `key=value` with `&` using the raw values, and signed as `METHOD\nPATH\nQUERY` with
//! HMAC-SHA256 keyed by the app secret. `body_md5` is signed only when there is a body;
//! `auth_signature` is appended last.

use push_core::{HmacSha256Key, md5_hex};

/// The auth version this crate signs with.
pub const AUTH_VERSION: &str = "1.0";

/// The signed query string of one request: what goes after `?`.
///
/// `params` are the request's own parameters (for example `info`); their values must already
/// be URL-safe, which the callers in this crate guarantee by validating them.
///
/// ```
/// use channels::signing::signed_query;
/// use push_core::HmacSha256Key;
///
/// // The Channels REST API documentation's example request.
/// let secret = HmacSha256Key::new(b"7ad3773142a6692b25b8");
/// let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
/// let query = signed_query(
///     "278d425bdf160c739803", &secret, "POST", "/apps/3/events", &[], body, 1353088179,
/// );
/// assert!(query.contains("body_md5=ec365a775a4cd0599faeb73354201b6f"));
/// assert!(query.ends_with("auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"));
/// ```
pub fn signed_query(
    key: &str,
    secret: &HmacSha256Key,
    method: &str,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
    timestamp: u64,
) -> String {
    let timestamp = timestamp.to_string();
    let body_md5 = (!body.is_empty()).then(|| md5_hex(body));
    let mut query = String::with_capacity(160 + params.len() * 32);
    if params.is_empty() {
        // Our own parameters are already in sorted order: no sorting, no per-key strings.
        query.push_str("auth_key=");
        query.push_str(key);
        query.push_str("&auth_timestamp=");
        query.push_str(&timestamp);
        query.push_str("&auth_version=");
        query.push_str(AUTH_VERSION);
        if let Some(md5) = &body_md5 {
            query.push_str("&body_md5=");
            query.push_str(md5);
        }
        return sign_into(query, secret, method, path);
    }
    let mut pairs: Vec<(String, &str)> = Vec::with_capacity(params.len() + 4);
    pairs.push(("auth_key".to_owned(), key));
    pairs.push(("auth_timestamp".to_owned(), &timestamp));
    pairs.push(("auth_version".to_owned(), AUTH_VERSION));
    if let Some(md5) = &body_md5 {
        pairs.push(("body_md5".to_owned(), md5));
    }
    for (name, value) in params {
        pairs.push((name.to_ascii_lowercase(), value));
    }
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));

    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(value);
    }
    sign_into(query, secret, method, path)
}

/// Appends `&auth_signature=` and the signature of `METHOD\nPATH\nQUERY` to `query`.
fn sign_into(mut query: String, secret: &HmacSha256Key, method: &str, path: &str) -> String {
    let signature = secret.sign_parts(&[
        method.as_bytes(),
        b"\n",
        path.as_bytes(),
        b"\n",
        query.as_bytes(),
    ]);
    query.push_str("&auth_signature=");
    push_hex(&mut query, &signature);
    query
}

/// The `key:signature` string Channels uses for channel and user authorization.
pub(crate) fn auth_string(key: &str, secret: &HmacSha256Key, parts: &[&[u8]]) -> String {
    let signature = secret.sign_parts(parts);
    let mut out = String::with_capacity(key.len() + 1 + 64);
    out.push_str(key);
    out.push(':');
    push_hex(&mut out, &signature);
    out
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
}
