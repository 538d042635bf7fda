//! Request signing for the Channels HTTP API (auth version 1.0).
//!
//! The query parameters (ours and the caller's) are sorted by lower-cased key, joined as
//! `key=value` with `&` using the raw values, and signed as `METHOD\nPATH\nQUERY` with
//! HMAC-SHA256 keyed by the app secret. `body_md5` is signed only when there is a body;
//! `auth_signature` is appended last.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use push_core::{Error, HmacSha256Key, Method, Result};

/// The auth version this crate signs with.
pub const AUTH_VERSION: &str = "1.0";

/// The parameter names this module writes itself; a caller's parameter may not be named so.
pub const RESERVED_PARAMS: [&str; 5] = [
    "auth_key",
    "auth_timestamp",
    "auth_version",
    "auth_signature",
    "body_md5",
];

/// Characters percent-encoded in a query value on the wire (the signature covers the raw
/// value, as the service decodes the query before it verifies): controls, space, non-ASCII
/// and the characters that would end or split a value.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The bytes of a query without parameters of its own, less the key: the names, the longest
/// timestamp (20 digits), the MD5 and the signature.
const FIXED_QUERY_BYTES: usize =
    "auth_key=&auth_timestamp=&auth_version=1.0&body_md5=&auth_signature=".len() + 20 + 32 + 64;

/// The signed query string of one request: what goes after `?`.
///
/// `params` are the request's own parameters (for example `info`). Their names are sent and
/// signed lower-cased; their values are signed as given and percent-encoded on the wire where
/// a query needs it. `method` is signed upper-case, as the service recomputes it.
///
/// ```
/// use push_channels::signing::signed_query;
/// use push_core::{HmacSha256Key, Method};
///
/// // The Channels REST API documentation's example request.
/// let secret = HmacSha256Key::new(b"7ad3773142a6692b25b8");
/// let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
/// let query = signed_query(
///     "278d425bdf160c739803", &secret, Method::Post, "/apps/3/events", &[], body, 1353088179,
/// )?;
/// assert!(query.contains("body_md5=ec365a775a4cd0599faeb73354201b6f"));
/// assert!(query.ends_with("auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"));
///
/// // A parameter this function writes itself is refused.
/// let err = signed_query("k", &secret, Method::Get, "/x", &[("Auth_Key", "y")], b"", 1);
/// assert!(err.unwrap_err().is_invalid_input());
/// # Ok::<(), push_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] for a path that does not start with `/` or holds `?` or `#`, and
/// for a parameter whose name is empty, is not made of `A-Za-z0-9_.-`, is given twice, or is
/// one of [`RESERVED_PARAMS`] (in any case).
pub fn signed_query(
    key: &str,
    secret: &HmacSha256Key,
    method: Method,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
    timestamp: u64,
) -> Result<String> {
    check_request(path, params)?;
    let method = method.as_str();
    // Room for every parameter and the signature: one allocation.
    let mut query = String::with_capacity(
        key.len()
            + FIXED_QUERY_BYTES
            + params
                .iter()
                .map(|(name, value)| name.len() + value.len() * 3 + 2)
                .sum::<usize>(),
    );
    if params.is_empty() {
        // Our own parameters are already in sorted order: no sorting, no per-key strings.
        query.push_str("auth_key=");
        query.push_str(key);
        query.push_str("&auth_timestamp=");
        push_after_key(&mut query, timestamp, body);
        let signature = signature(secret, method, path, &query);
        return Ok(finish(query, &signature));
    }
    let timestamp = timestamp.to_string();
    let body_md5 = (!body.is_empty()).then(|| {
        let mut hex = String::with_capacity(32);
        push_hex(&mut hex, &md5(body));
        hex
    });
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

    // Signed with the raw values; sent with each value encoded where a query needs it.
    let mut wire = String::with_capacity(query.capacity());
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            query.push('&');
            wire.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(value);
        wire.push_str(name);
        wire.push('=');
        wire.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
    Ok(finish(wire, &signature(secret, method, path, &query)))
}

/// Appends what follows `auth_timestamp=` in a query without parameters of its own: the
/// timestamp, the auth version and, for a body, its MD5.
fn push_after_key(query: &mut String, timestamp: u64, body: &[u8]) {
    push_decimal(query, timestamp);
    query.push_str("&auth_version=");
    query.push_str(AUTH_VERSION);
    if !body.is_empty() {
        query.push_str("&body_md5=");
        push_hex(query, &md5(body));
    }
}

/// The checks of [`signed_query`]: the path's shape and the caller's parameter names.
fn check_request(path: &str, params: &[(&str, &str)]) -> Result<()> {
    if !path.starts_with('/') || path.contains(['?', '#']) {
        return Err(Error::invalid_input(
            "path",
            "a request path starts with / and has no query or fragment",
        ));
    }
    let mut seen: Vec<String> = Vec::with_capacity(params.len());
    for (name, _) in params {
        let lower = name.to_ascii_lowercase();
        if lower.is_empty()
            || !lower
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            return Err(Error::invalid_input(
                "params",
                format!("{name:?} is not a parameter name (A-Z a-z 0-9 _ . - only)"),
            ));
        }
        if RESERVED_PARAMS.contains(&lower.as_str()) {
            return Err(Error::invalid_input(
                "params",
                format!("{lower} is written by the signature itself and cannot be given"),
            ));
        }
        if seen.contains(&lower) {
            return Err(Error::invalid_input(
                "params",
                format!("{lower} is given twice"),
            ));
        }
        seen.push(lower);
    }
    Ok(())
}

/// The signature of `METHOD\nPATH\nSIGNED`.
fn signature(secret: &HmacSha256Key, method: &str, path: &str, signed: &str) -> [u8; 32] {
    secret.sign_parts(&[
        method.as_bytes(),
        b"\n",
        path.as_bytes(),
        b"\n",
        signed.as_bytes(),
    ])
}

/// Appends `&auth_signature=` and the hex `signature` to the wire query.
fn finish(mut wire: String, signature: &[u8]) -> String {
    wire.push_str("&auth_signature=");
    push_hex(&mut wire, signature);
    wire
}

/// The signed query of every POST to one path with no parameters of its own (the two trigger
/// paths): what [`signed_query`] gives for it, with the start that all of them sign alike,
/// `POST\n{path}\nauth_key={key}&auth_timestamp=`, hashed once when the client is built.
#[derive(Clone)]
pub(crate) struct PostSigner {
    /// The HMAC state after the shared start.
    after_start: HmacSha256Key,
    /// `auth_key={key}&auth_timestamp=`: where every such query starts.
    query_start: String,
}

impl PostSigner {
    /// The signer of POSTs to `path` for app key `key`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a path [`signed_query`] refuses.
    pub(crate) fn new(key: &str, secret: &HmacSha256Key, path: &str) -> Result<Self> {
        check_request(path, &[])?;
        let query_start = format!("auth_key={key}&auth_timestamp=");
        let after_start = secret.absorbed(format!("POST\n{path}\n{query_start}").as_bytes());
        Ok(Self {
            after_start,
            query_start,
        })
    }

    /// The signed query of a POST of `body` at `timestamp`.
    pub(crate) fn query(&self, body: &[u8], timestamp: u64) -> String {
        let mut query = String::with_capacity(self.query_start.len() + FIXED_QUERY_BYTES);
        query.push_str(&self.query_start);
        push_after_key(&mut query, timestamp, body);
        let rest = query.get(self.query_start.len()..).unwrap_or_default();
        let signature = self.after_start.sign(rest.as_bytes());
        finish(query, &signature)
    }
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

/// The MD5 digest of `data` (Channels' `body_md5`).
fn md5(data: &[u8]) -> [u8; 16] {
    use md5::Digest as _;
    md5::Md5::digest(data).into()
}

/// Appends `n` in decimal, without the formatting machinery.
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    push_ascii(out, &digits[at..]);
}

/// Appends `bytes` in lower-case hex, 32 bytes at a time through a buffer on the stack
/// (pushing characters one by one costs several times more).
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0u8; 64];
    for chunk in bytes.chunks(32) {
        for (pair, b) in text.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0x0f)];
        }
        push_ascii(out, &text[..chunk.len() * 2]);
    }
}

/// Appends ASCII digits (all that [`push_decimal`] and [`push_hex`] write).
fn push_ascii(out: &mut String, ascii: &[u8]) {
    // ASCII is always UTF-8: the check cannot fail, and is a quick scan.
    if let Ok(text) = std::str::from_utf8(ascii) {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_digests_match_the_standard_forms() {
        for n in [0, 7, 10, 1_353_088_179, u64::MAX] {
            let mut out = String::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        let mut hex = String::new();
        push_hex(&mut hex, &md5(b"abc"));
        assert_eq!(hex, push_core::md5_hex(b"abc"));
        // Longer than one buffer: 33 and 64 bytes.
        for len in [0, 1, 32, 33, 64] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let mut hex = String::from("x");
            push_hex(&mut hex, &bytes);
            assert_eq!(hex, format!("x{}", hex_of(&bytes)), "{len}");
        }
    }

    fn hex_of(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn a_post_signer_gives_what_signed_query_gives() {
        let secret = HmacSha256Key::new(b"7ad3773142a6692b25b8");
        for key in [
            "278d425bdf160c739803",
            "k",
            "a-much-longer-key-than-the-dashboard-ever-gives",
        ] {
            for path in ["/apps/3/events", "/apps/1234567/batch_events"] {
                let signer = PostSigner::new(key, &secret, path).expect("a valid path");
                for body in [&b""[..], b"{}", &[b'x'; 200]] {
                    for timestamp in [0, 7, 1_353_088_179, u64::MAX] {
                        let expected =
                            signed_query(key, &secret, Method::Post, path, &[], body, timestamp)
                                .expect("a valid request");
                        let query = signer.query(body, timestamp);
                        assert_eq!(query, expected, "{key} {path} {} {timestamp}", body.len());
                        assert!(query.len() <= key.len() + FIXED_QUERY_BYTES);
                    }
                }
            }
        }
        assert!(PostSigner::new("k", &secret, "apps/3/events").is_err());
    }
}
