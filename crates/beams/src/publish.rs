//! Publishing: `POST /publish_api/v1/instances/{instance_id}/publishes/{interests|users}`,
//! one request or a large audience split into many.

use std::ops::Range;

use futures_util::stream::{self, StreamExt};
use push_core::{ChunkResult, Covered, Endpoint, Error, Method, Request, Result};
use serde::Deserialize;

use crate::client::Client;
use crate::payload::PublishRequest;
use crate::validate;

/// The largest body Beams accepts for a publish to interests.
pub const MAX_INTERESTS_BODY: usize = 10 * 1024;
/// The largest body Beams accepts for a publish to users.
pub const MAX_USERS_BODY: usize = 200 * 1024;

/// Beams' answer to a publish: `{"publishId": "..."}`.
#[derive(Deserialize)]
struct PublishResponse {
    #[serde(rename = "publishId")]
    publish_id: String,
}

impl Client {
    /// Publishes to 1 to 100 interests; returns the publish id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before sending (naming the interest or the body at fault);
    /// [`Error::Api`] from Beams; [`Error::Decode`] when its answer has no publish id.
    pub async fn publish_to_interests<S: AsRef<str>>(
        &self,
        interests: &[S],
        request: &PublishRequest,
    ) -> Result<String> {
        validate::interests(interests, Some(validate::MAX_INTERESTS))?;
        self.publish_one(Audience::Interests, interests, request)
            .await
    }

    /// Publishes to 1 to 1000 user ids; returns the publish id.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before sending (naming the user id or the body at fault);
    /// [`Error::Api`] from Beams; [`Error::Decode`] when its answer has no publish id.
    pub async fn publish_to_users<S: AsRef<str>>(
        &self,
        users: &[S],
        request: &PublishRequest,
    ) -> Result<String> {
        validate::users(users, Some(validate::MAX_USERS))?;
        self.publish_one(Audience::Users, users, request).await
    }

    /// Publishes to any number of user ids: the whole list is validated first, then split into
    /// requests of at most 1000 ids and 200 KiB of body, sent with bounded concurrency
    /// ([`ClientBuilder::chunk_concurrency`](crate::ClientBuilder::chunk_concurrency)). The
    /// payload is serialised once. Returns one [`ChunkResult`] per request, in order, each
    /// with the publish id or why that request failed, and which of `users` it carried
    /// (`covered`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent) when any id is bad or repeated.
    pub async fn publish_to_users_chunked<S: AsRef<str>>(
        &self,
        users: &[S],
        request: &PublishRequest,
    ) -> Result<Vec<ChunkResult<String>>> {
        validate::users(users, None)?;
        self.publish_chunked(Audience::Users, users, request).await
    }

    /// Publishes to any number of interests, in requests of at most 100 interests and 10 KiB
    /// of body; otherwise as [`Client::publish_to_users_chunked`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (nothing sent) when any interest is bad or repeated (two
    /// requests naming one interest would notify its devices twice).
    pub async fn publish_to_interests_chunked<S: AsRef<str>>(
        &self,
        interests: &[S],
        request: &PublishRequest,
    ) -> Result<Vec<ChunkResult<String>>> {
        validate::interests(interests, None)?;
        self.publish_chunked(Audience::Interests, interests, request)
            .await
    }

    /// One publish request to a validated audience.
    async fn publish_one<S: AsRef<str>>(
        &self,
        audience: Audience,
        items: &[S],
        request: &PublishRequest,
    ) -> Result<String> {
        let bytes = Body::new(request)?.with_audience(audience.key(), items)?;
        check_body_size(audience, bytes.len())?;
        self.send_publish(audience, bytes).await
    }

    async fn publish_chunked<S: AsRef<str>>(
        &self,
        audience: Audience,
        items: &[S],
        request: &PublishRequest,
    ) -> Result<Vec<ChunkResult<String>>> {
        let body = &Body::new(request)?;
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
        let mut results: Vec<ChunkResult<String>> = stream::iter(ranges.into_iter().enumerate())
            .map(|(index, range)| async move {
                let result = match body.with_audience(audience.key(), &items[range.clone()]) {
                    Ok(bytes) => self.send_publish(audience, bytes).await,
                    Err(e) => Err(e),
                };
                ChunkResult::new(index, Covered::range(range), result)
            })
            .buffer_unordered(self.inner.chunk_concurrency)
            .collect()
            .await;
        results.sort_by_key(|r| r.index);
        Ok(results)
    }

    async fn send_publish(&self, audience: Audience, body: Vec<u8>) -> Result<String> {
        let request = Request::to(Method::Post, self.publish_endpoint(audience)).json_body(body);
        let response = self.send(request).await?;
        let answer: PublishResponse = Self::decode(&response, "publish response")?;
        Ok(answer.publish_id)
    }

    fn publish_endpoint(&self, audience: Audience) -> &Endpoint {
        match audience {
            Audience::Interests => &self.inner.publish_interests,
            Audience::Users => &self.inner.publish_users,
        }
    }
}

/// Who a publish goes to: its body key, its URL and its limits follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
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

    /// The publish path for `instance_id` (checked at build to be letters, digits and `-`).
    pub(crate) fn path(self, instance_id: &str) -> String {
        format!(
            "/publish_api/v1/instances/{instance_id}/publishes/{}",
            self.key()
        )
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
        // A non-empty object (a platform key is present): drop its closing brace so the
        // audience can be appended as the last key, as the official SDKs send it.
        let mut head = request.to_json()?;
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
mod tests {
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
        let object = br#"{"web":{"notification":{"title":"x"}}}"#;
        let head = &object[..object.len() - 1];
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
                    head: head.to_vec(),
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

    /// The size a plan counts is the size the body has: a body filled to the limit by the
    /// plan is exactly `max_body` bytes, not one more.
    #[test]
    fn a_plan_fills_a_body_to_the_byte() {
        let head = br#"{"web":{}"#;
        // Each id takes 10 bytes as JSON ("" included), plus a comma between two.
        let ids: Vec<String> = (0..100).map(|i| format!("id-{i:05}")).collect();
        let max_body = head.len() + "users".len() + 7 + 10 * 5 + 4;
        let ranges = plan(&ids, "users", head.len(), 1000, max_body).unwrap();
        assert_eq!(ranges[0], 0..5);
        let body = Body {
            head: head.to_vec(),
        }
        .with_audience("users", &ids[ranges[0].clone()])
        .unwrap();
        assert_eq!(body.len(), max_body);
    }
}
