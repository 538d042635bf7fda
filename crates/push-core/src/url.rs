//! URLs: an endpoint parsed once, a request path checked to reach the server as given, and
//! the form of a URL fit for messages (no user info, no query).

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};

/// A path on a transport's host, parsed into a URL once (see [`Transport::endpoint`](crate::Transport::endpoint)).
///
/// Parsing a URL costs more than anything else a request needs before it is written (several
/// thousand instructions for a long path); a provider keeps an `Endpoint` for each path it
/// calls often and sends [`Request::to`](crate::Request::to) it. Cloning is cheap (an `Arc`).
#[derive(Clone)]
pub struct Endpoint(Arc<Parsed>);

struct Parsed {
    url: reqwest::Url,
    path: String,
}

impl Endpoint {
    pub(crate) fn new(url: reqwest::Url, path: &str) -> Self {
        Self(Arc::new(Parsed {
            url,
            path: path.to_owned(),
        }))
    }

    /// The path it was made from, relative to the base URL (as given to
    /// [`Transport::endpoint`](crate::Transport::endpoint)).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// The URL a request with `query` goes to. A query made only of visible ASCII other than
    /// `#` is set on a copy of the parsed URL, which parses the query alone and gives the URL
    /// that parsing the whole text would give; anything else parses the whole text.
    pub(crate) fn url_with(&self, query: Option<&str>) -> Result<reqwest::Url> {
        let url = &self.0.url;
        let Some(query) = query else {
            return Ok(url.clone());
        };
        if is_plain_query(query) {
            let mut url = url.clone();
            url.set_query(Some(query));
            return Ok(url);
        }
        parse_url(&format!("{url}?{query}"))
    }
}

/// Whether `query` is made only of visible ASCII other than `#`: text that a URL's query keeps
/// as it is. Every byte is looked at without an early exit, which the compiler turns into
/// vector instructions (a signed Channels query is about 200 bytes, and stopping at the first
/// bad byte made this check a byte-at-a-time loop costing several instructions per byte).
fn is_plain_query(query: &str) -> bool {
    query.bytes().fold(true, |plain, b| {
        plain & (b.wrapping_sub(b'!') <= b'~' - b'!') & (b != b'#')
    })
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Endpoint").field(&self.path()).finish()
    }
}

/// A parsed URL without its user info, query and fragment (see [`redacted_url`]).
pub(crate) fn shown_url(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    }
}

pub(crate) fn parse_url(text: &str) -> Result<reqwest::Url> {
    reqwest::Url::parse(text)
        .map_err(|err| Error::invalid_input("path", format!("not a valid URL path: {err}")))
}

/// Parses `base_url` + `path_and_query` and refuses the URL unless its path is exactly the
/// base path followed by the request's path as given. URL parsing resolves `.` and `..`
/// segments (also written `%2e`), reads `\` as `/` and re-encodes some characters; any of
/// those would send the request somewhere other than where the caller's segments say.
pub(crate) fn parse_exact(
    base_url: &str,
    base_path: &str,
    path_and_query: &str,
) -> Result<reqwest::Url> {
    let url = parse_url(&format!("{base_url}{path_and_query}"))?;
    let path = path_and_query
        .split_once('?')
        .map_or(path_and_query, |(path, _)| path);
    let exact = url
        .path()
        .strip_prefix(base_path)
        .is_some_and(|rest| rest == path);
    if !exact {
        return Err(Error::invalid_input(
            "path",
            format!(
                "{path:?} would reach the server as {:?}: a path segment is . or .., or holds a \
                 character the URL rewrites",
                url.path()
            ),
        ));
    }
    Ok(url)
}

/// `url` as messages and `Debug` may show it: scheme, host, port and path, without user info,
/// query or fragment (which may carry credentials or a signature). Text that is not a URL
/// with a host shows as `[not a URL]`.
///
/// ```
/// use push_core::redacted_url;
///
/// assert_eq!(
///     redacted_url("https://user:pass@host:8443/x?token=abc#f"),
///     "https://host:8443/x"
/// );
/// assert_eq!(redacted_url("user:pass@host"), "[not a URL]");
/// ```
pub fn redacted_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(parsed) if parsed.host_str().is_some() => shown_url(&parsed),
        _ => "[not a URL]".to_owned(),
    }
}

/// Characters left as they are in a path segment (RFC 3986 unreserved); everything else, `/`
/// and `%` included, is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `value` as exactly one path segment: percent-encoded so that no character of it can end
/// the segment or the path, and refused when it is `.` or `..`, which a URL resolves as dot
/// segments (the request would reach another path). `field` names it in the error.
///
/// ```
/// use push_core::path_segment;
///
/// assert_eq!(path_segment("user_id", "a/b c").unwrap(), "a%2Fb%20c");
/// assert_eq!(path_segment("user_id", "%2e%2e").unwrap(), "%252e%252e");
/// assert_eq!(path_segment("user_id", "...").unwrap(), "...");
/// assert!(path_segment("user_id", "..").unwrap_err().is_invalid_input());
/// ```
///
/// # Errors
/// [`Error::InvalidInput`] on `field` for `.` and `..`.
pub fn path_segment(field: &'static str, value: &str) -> Result<String> {
    if value == "." || value == ".." {
        return Err(Error::invalid_input(
            field,
            "\".\" and \"..\" cannot be sent as a path segment",
        ));
    }
    Ok(percent_encoding::utf8_percent_encode(value, SEGMENT).to_string())
}

/// The `host:port` a URL reaches (the scheme's port when none is written), for messages.
pub(crate) fn address(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("[no host]");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_plain_query_is_visible_ascii_without_a_hash() {
        for b in 0..=255u8 {
            let text = [b'a', b, b'z'];
            let Ok(query) = std::str::from_utf8(&text) else {
                continue;
            };
            assert_eq!(
                is_plain_query(query),
                b.is_ascii_graphic() && b != b'#',
                "{b:#04x}"
            );
        }
        assert!(is_plain_query(""));
        assert!(!is_plain_query("auth_key=k&x=\u{e9}"));
        assert!(!is_plain_query(&format!("{}\u{e9}", "a".repeat(200))));
        assert!(!is_plain_query(&format!("{}#", "a".repeat(200))));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Setting a query on a parsed endpoint gives the URL that parsing the whole text
        /// gives, for any path and any query (the fast path or the fallback).
        #[test]
        fn endpoint_urls_equal_whole_text_parsing(
            base in prop::sample::select(vec![
                "https://api-mt1.pusher.com",
                "http://127.0.0.1:8080",
                "https://x.example/api/v1",
            ]),
            path in "(/[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,12}){1,4}",
            query in prop_oneof![
                "[!-~]{0,40}",
                any::<String>(),
                "[a-z=&]{0,8}[ \t\n\\\\#]{1,2}[a-z]{0,8}",
            ],
        ) {
            // Built as `Transport::endpoint` builds it (a transport per case would load the
            // system's certificates 512 times).
            let endpoint = Endpoint::new(parse_url(&format!("{base}{path}")).unwrap(), &path);
            let whole = reqwest::Url::parse(&format!("{base}{path}?{query}"));
            match (endpoint.url_with(Some(&query)), whole) {
                (Ok(fast), Ok(whole)) => prop_assert_eq!(fast.as_str(), whole.as_str()),
                (Err(_), Err(_)) => {}
                (fast, whole) => prop_assert!(false, "{fast:?} vs {whole:?}"),
            }
            let plain = reqwest::Url::parse(&format!("{base}{path}")).unwrap();
            let bare = endpoint.url_with(None).unwrap();
            prop_assert_eq!(bare.as_str(), plain.as_str());
        }
    }
}
