//! The Beams client: configuration, publishing, user deletion and tokens.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use futures_util::stream::{self, StreamExt};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use push_core::{
    ApiError, Endpoint, Error, HttpClient, Method, Request, Result, RetryPolicy, Secret, Transport,
};
use serde::Deserialize;

use crate::payload::PublishRequest;
use crate::token::{Claims, Token};
use crate::validate;

/// Characters left as-is in a user id path segment (RFC 3986 unreserved); everything else,
/// `/` included, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How long a token stays valid.
const TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);

pub use push_core::Clock;

/// Builds a [`Client`]; checked in [`ClientBuilder::build`].
#[derive(Clone)]
pub struct ClientBuilder {
    instance_id: String,
    secret_key: Secret,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    http_client: Option<HttpClient>,
    clock: Clock,
    concurrency: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A base URL as given may carry user info or a query: show it without them.
        let base_url = self.base_url.as_deref().map(push_core::redacted_url);
        f.debug_struct("ClientBuilder")
            .field("instance_id", &self.instance_id)
            .field("secret_key", &self.secret_key)
            .field("base_url", &base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("http_client", &self.http_client)
            .field("clock", &self.clock)
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl ClientBuilder {
    /// Starts a builder with the instance id and secret key from the Beams dashboard.
    pub fn new(instance_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            instance_id: instance_id.into(),
            secret_key: Secret::new(secret_key.into()),
            base_url: None,
            timeout: None,
            connect_timeout: None,
            retry: None,
            http_client: None,
            clock: Clock::system(),
            concurrency: 4,
        }
    }
    /// Overrides the base URL, scheme included (default
    /// `https://{instance_id}.pushnotifications.pusher.com`). It may have a path prefix; user
    /// info, a query or a fragment are refused by [`ClientBuilder::build`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Per-attempt request timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }
    /// Connect timeout.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = Some(t);
        self
    }
    /// Retry policy (default: push-core's).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = Some(p);
        self
    }
    /// A caller-built HTTP client.
    pub fn http_client(mut self, c: HttpClient) -> Self {
        self.http_client = Some(c);
        self
    }
    /// Clock used for token expiry.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
    /// Requests in flight at once for the `*_chunked` calls (default 4, minimum 1).
    pub fn chunk_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Validates and builds the client.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on an empty instance id or key, [`Error::Config`] on a bad URL.
    pub fn build(self) -> Result<Client> {
        if self.instance_id.trim().is_empty() {
            return Err(Error::invalid_input("instance_id", "must not be empty"));
        }
        if !self
            .instance_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::invalid_input(
                "instance_id",
                "only letters, digits and '-' allowed",
            ));
        }
        if self.secret_key.is_empty() {
            return Err(Error::invalid_input("secret_key", "must not be empty"));
        }
        let base = self.base_url.clone().unwrap_or_else(|| {
            format!("https://{}.pushnotifications.pusher.com", self.instance_id)
        });
        let mut t = Transport::builder(base)
            .header(
                "X-Pusher-Library",
                format!(
                    "pusher-push-notifications-rust {}",
                    env!("CARGO_PKG_VERSION")
                ),
            )
            .header("Accept", "application/json")
            .bearer_auth(&self.secret_key)
            .error_parser(parse_error);
        if let Some(d) = self.timeout {
            t = t.timeout(d);
        }
        if let Some(d) = self.connect_timeout {
            t = t.connect_timeout(d);
        }
        if let Some(p) = self.retry {
            t = t.retry_policy(p);
        }
        if let Some(c) = self.http_client {
            t = t.http_client(c);
        }
        let transport = t.build()?;
        let publish = |audience: Audience| {
            let path = format!(
                "/publish_api/v1/instances/{}/publishes/{}",
                self.instance_id,
                audience.key()
            );
            transport.endpoint(&path)
        };
        let publish_interests = publish(Audience::Interests)?;
        let publish_users = publish(Audience::Users)?;
        Ok(Client {
            inner: Arc::new(Inner {
                publish_interests,
                publish_users,
                issuer: format!("https://{}.pushnotifications.pusher.com", self.instance_id),
                key: jsonwebtoken::EncodingKey::from_secret(self.secret_key.expose().as_bytes()),
                instance_id: self.instance_id,
                transport,
                clock: self.clock,
                concurrency: self.concurrency,
            }),
        })
    }
}

/// Parses Beams' `{"error": "...", "description": "..."}` error bodies; other bodies keep
/// their text as the message (none when empty).
pub(crate) fn parse_error(status: u16, body: &[u8]) -> ApiError {
    #[derive(Deserialize)]
    struct Body {
        error: Option<String>,
        description: Option<String>,
    }
    let mut err = ApiError::new(status, body);
    match serde_json::from_slice::<Body>(body) {
        Ok(b) => {
            if let Some(c) = b.error {
                err = err.with_code(c);
            }
            if let Some(m) = b.description {
                err = err.with_message(m);
            }
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            if !text.is_empty() {
                err = err.with_message(text.to_owned());
            }
        }
    }
    err
}

struct Inner {
    instance_id: String,
    issuer: String,
    key: jsonwebtoken::EncodingKey,
    transport: Transport,
    /// The two publish URLs, parsed once.
    publish_interests: Endpoint,
    publish_users: Endpoint,
    clock: Clock,
    concurrency: usize,
}

/// A Beams client; cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("instance_id", &self.inner.instance_id)
            .field("base_url", &self.inner.transport.base_url())
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// Outcome of one chunk of a `*_chunked` publish.
#[derive(Debug)]
pub struct ChunkResult {
    /// Position of the chunk (0-based).
    pub index: usize,
    /// Range of the audience list this chunk covered.
    pub range: Range<usize>,
    /// The publish id, or why this chunk failed.
    pub result: Result<String>,
}

#[derive(Deserialize)]
struct PublishResponse {
    #[serde(rename = "publishId")]
    publish_id: String,
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder(instance_id: impl Into<String>, secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(instance_id, secret_key)
    }

    /// Builds a client from `BEAMS_INSTANCE_ID` and `BEAMS_SECRET_KEY`.
    ///
    /// # Errors
    /// [`Error::Config`] when a variable is missing.
    pub fn from_env() -> Result<Self> {
        let get = |n: &str| std::env::var(n).map_err(|_| Error::config(format!("{n} is not set")));
        ClientBuilder::new(get("BEAMS_INSTANCE_ID")?, get("BEAMS_SECRET_KEY")?).build()
    }

    /// The instance id.
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    fn publish_endpoint(&self, audience: Audience) -> &Endpoint {
        match audience {
            Audience::Interests => &self.inner.publish_interests,
            Audience::Users => &self.inner.publish_users,
        }
    }

    /// Publishes to 1..=100 interests; returns the publish id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before sending; [`Error::Api`] from Beams.
    pub async fn publish_to_interests<S: AsRef<str>>(
        &self,
        interests: &[S],
        request: &PublishRequest,
    ) -> Result<String> {
        validate::interests(interests, Some(validate::MAX_INTERESTS))?;
        self.publish_one(Audience::Interests, interests, request)
            .await
    }

    /// Publishes to 1..=1000 user ids; returns the publish id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before sending; [`Error::Api`] from Beams.
    pub async fn publish_to_users<S: AsRef<str>>(
        &self,
        users: &[S],
        request: &PublishRequest,
    ) -> Result<String> {
        validate::users(users, Some(validate::MAX_USERS))?;
        self.publish_one(Audience::Users, users, request).await
    }

    /// One publish request to a validated audience.
    async fn publish_one<S: AsRef<str>>(
        &self,
        audience: Audience,
        items: &[S],
        request: &PublishRequest,
    ) -> Result<String> {
        let body = Body::new(request)?;
        let bytes = body.with_audience(audience.key(), items)?;
        check_body_size(audience, bytes.len())?;
        self.send_publish(audience, bytes).await
    }

    /// Publishes to any number of user ids: the whole list is validated first, then split into
    /// requests of at most 1000 ids and at most 200 KiB of body, sent with bounded concurrency. The payload is serialised
    /// once. Returns one [`ChunkResult`] per chunk, in chunk order.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent) when any id is bad or duplicated.
    pub async fn publish_to_users_chunked<S: AsRef<str>>(
        &self,
        users: &[S],
        request: &PublishRequest,
    ) -> Result<Vec<ChunkResult>> {
        validate::users(users, None)?;
        self.chunked(Audience::Users, users, request).await
    }

    /// Publishes to any number of interests, in requests of at most 100 interests and 10 KiB of
    /// body.
    /// Same contract as [`Client::publish_to_users_chunked`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent) when any interest is bad or duplicated.
    pub async fn publish_to_interests_chunked<S: AsRef<str>>(
        &self,
        interests: &[S],
        request: &PublishRequest,
    ) -> Result<Vec<ChunkResult>> {
        validate::interests(interests, None)?;
        self.chunked(Audience::Interests, interests, request).await
    }

    async fn chunked<S: AsRef<str>>(
        &self,
        audience: Audience,
        items: &[S],
        request: &PublishRequest,
    ) -> Result<Vec<ChunkResult>> {
        let body = Body::new(request)?;
        let body = &body;
        // Cut by count and by body size (Beams refuses a larger body), before anything is sent.
        let ranges = plan(
            items,
            audience.key(),
            body.head.len(),
            audience.max_items(),
            audience.max_body(),
        )?;
        // Chunk bodies are built lazily, only as slots free up, so memory stays bounded by the
        // concurrency rather than the audience size.
        let mut results: Vec<ChunkResult> = stream::iter(ranges.into_iter().enumerate())
            .map(|(index, range)| async move {
                let chunk = &items[range.clone()];
                let result = match body.with_audience(audience.key(), chunk) {
                    Ok(bytes) => self.send_publish(audience, bytes).await,
                    Err(e) => Err(e),
                };
                ChunkResult {
                    index,
                    range,
                    result,
                }
            })
            .buffer_unordered(self.inner.concurrency)
            .collect()
            .await;
        results.sort_by_key(|r| r.index);
        Ok(results)
    }

    async fn send_publish(&self, audience: Audience, body: Vec<u8>) -> Result<String> {
        let resp = self
            .inner
            .transport
            .send(Request::to(Method::Post, self.publish_endpoint(audience)).json_body(body))
            .await?;
        // Beams answers with Content-Type text/plain: parse the bytes regardless.
        let parsed: PublishResponse = serde_json::from_slice(resp.body())
            .map_err(|e| Error::decode(format!("publish response: {e}")))?;
        Ok(parsed.publish_id)
    }

    /// Deletes a user and all their devices.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on a bad id, and on `.` and `..`, which URLs resolve as dot
    /// segments (the request would go to another path); [`Error::Api`] from Beams.
    pub async fn delete_user(&self, user_id: &str) -> Result<()> {
        validate::user_id("user_id", user_id)?;
        if user_id == "." || user_id == ".." {
            return Err(Error::invalid_input(
                "user_id",
                "\".\" and \"..\" cannot be sent as a path segment",
            ));
        }
        let path = format!(
            "/customer_api/v1/instances/{}/users/{}",
            self.inner.instance_id,
            utf8_percent_encode(user_id, SEGMENT)
        );
        self.inner.transport.send(Request::delete(path)).await?;
        Ok(())
    }

    /// Issues a Beams token for `user_id`: HS256, claims `sub`, `iss`, `exp` (now + 24 h, UTC
    /// epoch seconds). No `iat`, so client clock skew cannot reject it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on a bad id.
    pub fn generate_token(&self, user_id: &str) -> Result<Token> {
        validate::user_id("user_id", user_id)?;
        let now = self
            .inner
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::config("clock is before 1970"))?;
        let claims = Claims {
            sub: user_id,
            iss: &self.inner.issuer,
            exp: (now + TOKEN_TTL).as_secs(),
        };
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let token = jsonwebtoken::encode(&header, &claims, &self.inner.key)
            .map_err(|e| Error::config(format!("token signing failed: {e}")))?;
        Ok(Token { token })
    }
}

/// The largest body Beams accepts for a publish to interests.
pub const MAX_INTERESTS_BODY: usize = 10 * 1024;
/// The largest body Beams accepts for a publish to users.
pub const MAX_USERS_BODY: usize = 200 * 1024;

/// Who a publish goes to: its body key, its URL and its limits follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Interests,
    Users,
}

impl Audience {
    /// The body key (and the last path segment of the publish URL).
    fn key(self) -> &'static str {
        match self {
            Self::Interests => "interests",
            Self::Users => "users",
        }
    }

    /// The most items one request may name.
    fn max_items(self) -> usize {
        match self {
            Self::Interests => validate::MAX_INTERESTS,
            Self::Users => validate::MAX_USERS,
        }
    }

    /// The largest body Beams accepts.
    fn max_body(self) -> usize {
        match self {
            Self::Interests => MAX_INTERESTS_BODY,
            Self::Users => MAX_USERS_BODY,
        }
    }
}

/// Refuses a single publish whose body Beams would refuse for its size.
fn check_body_size(audience: Audience, len: usize) -> Result<()> {
    let max = audience.max_body();
    let kind = audience.key();
    if len > max {
        return Err(Error::invalid_input(
            "body",
            format!(
                "the request would be {len} bytes; Beams accepts at most {max} for a publish to \
                 {kind} (the *_chunked methods split large audiences)"
            ),
        ));
    }
    Ok(())
}

/// The bytes `s` takes as a JSON string, quotes included (serde_json's escaping).
fn json_string_len(s: &str) -> usize {
    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    // Most ids need no escape: one quick pass settles that.
    if !s.bytes().any(escaped) {
        return s.len() + 2;
    }
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Cuts `items` into consecutive ranges of at most `max_items` whose bodies (`head_len` bytes of
/// payload, then `,"key":[...]}`) stay within `max_body` bytes.
fn plan<S: AsRef<str>>(
    items: &[S],
    key: &str,
    head_len: usize,
    max_items: usize,
    max_body: usize,
) -> Result<Vec<Range<usize>>> {
    // `,"` + key + `":` + `[` + `]` + `}`
    let fixed = head_len + key.len() + 7;
    let mut ranges = Vec::with_capacity(items.len() / max_items.max(1) + 1);
    let mut start = 0;
    let mut size = fixed;
    for (i, item) in items.iter().enumerate() {
        let len = json_string_len(item.as_ref());
        if fixed + len > max_body {
            return Err(Error::invalid_input(
                format!("{key}[{i}]"),
                format!(
                    "with this payload, even a request for this one alone exceeds {max_body} bytes"
                ),
            ));
        }
        let comma = usize::from(i > start);
        if i - start == max_items || size + comma + len > max_body {
            ranges.push(start..i);
            start = i;
            size = fixed + len;
        } else {
            size += comma + len;
        }
    }
    if start < items.len() {
        ranges.push(start..items.len());
    }
    Ok(ranges)
}

/// The payload serialised once, as a JSON object's bytes; the audience is spliced in last.
struct Body {
    /// Serialised object minus its closing `}`, e.g. `{"apns":{...}`.
    head: Vec<u8>,
}

impl Body {
    fn new(request: &PublishRequest) -> Result<Self> {
        let bytes = request.to_json()?;
        // A non-empty object (a platform key is present): drop its closing brace so the
        // audience can be appended as the last key, as the official SDKs send it.
        let mut head = bytes;
        head.pop();
        Ok(Self { head })
    }

    fn with_audience<S: AsRef<str>>(&self, key: &str, items: &[S]) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.head.len() + 16 + items.len() * 24);
        out.extend_from_slice(&self.head);
        out.extend_from_slice(b",\"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        let list: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
        serde_json::to_writer(&mut out, &list)
            .map_err(|e| Error::invalid_input(key.to_owned(), e.to_string()))?;
        out.push(b'}');
        Ok(out)
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    #[test]
    fn json_lengths_match_serde() {
        for s in [
            "",
            "abc",
            "a\"b",
            "back\\slash",
            "tab\t",
            "\u{1}",
            "é😀",
            "a/b",
        ] {
            assert_eq!(
                json_string_len(s),
                serde_json::to_string(s).unwrap().len(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn plans_cover_everything_within_both_limits() {
        let head = br#"{"web":{"notification":{"title":"x"}}"#;
        for (ids, max_items, max_body) in [
            (
                (0..2500).map(|i| format!("user-{i}")).collect::<Vec<_>>(),
                1000,
                MAX_USERS_BODY,
            ),
            (
                (0..3000).map(|i| format!("{i:\"<164}")).collect(),
                1000,
                MAX_USERS_BODY,
            ),
            (
                (0..250).map(|i| format!("{i:0>164}")).collect(),
                100,
                MAX_INTERESTS_BODY,
            ),
        ] {
            let ranges = plan(&ids, "users", head.len(), max_items, max_body).unwrap();
            let mut next = 0;
            for r in ranges {
                assert_eq!(r.start, next);
                next = r.end;
                assert!(r.len() <= max_items);
                let body = Body {
                    head: head[..head.len() - 1].to_vec(),
                }
                .with_audience("users", &ids[r])
                .unwrap();
                assert!(body.len() <= max_body, "{} > {max_body}", body.len());
            }
            assert_eq!(next, ids.len());
        }
        let counts = plan(
            &(0..2500).map(|i| i.to_string()).collect::<Vec<_>>(),
            "users",
            10,
            1000,
            MAX_USERS_BODY,
        )
        .unwrap();
        assert_eq!(counts, vec![0..1000, 1000..2000, 2000..2500]);
        assert!(plan(&["x"], "users", MAX_USERS_BODY, 1000, MAX_USERS_BODY).is_err());
    }
}
