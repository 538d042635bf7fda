//! Every caller-supplied path segment reaches the server as exactly that one segment.
//!
//! The only path built from caller input in this crate is `delete_user`'s
//! `/customer_api/v1/instances/{instance_id}/users/{user_id}` (the instance id is checked at
//! build to be letters, digits and `-`). A URL parser collapses `.` and `..` segments, and the
//! WHATWG rules used by the `url` crate also read `%2e`/`%2E` as a dot and `\` as `/` in
//! http(s) URLs; each test here asserts the exact path the server received.

use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

use crate::routes::{self, To, published};
use crate::wire::sample_body;
use crate::{INSTANCE, client};

/// The encoded path `delete_user(id)` must reach, for ids that look like path syntax.
const CASES: &[(&str, &str)] = &[
    ("...", "..."),
    ("....", "...."),
    (".a", ".a"),
    ("a..", "a.."),
    ("a/b", "a%2Fb"),
    ("../x", "..%2Fx"),
    ("./", ".%2F"),
    ("a\\b", "a%5Cb"),
    ("..\\", "..%5C"),
    ("%2e", "%252e"),
    ("%2e%2e", "%252e%252e"),
    ("%2E%2E", "%252E%252E"),
    (".%2e", ".%252e"),
    ("%2e.", "%252e."),
    ("%2F", "%252F"),
    ("a?b#c", "a%3Fb%23c"),
    ("a;b=c", "a%3Bb%3Dc"),
    (" . ", "%20.%20"),
    ("é", "%C3%A9"),
    ("ユーザー", "%E3%83%A6%E3%83%BC%E3%82%B6%E3%83%BC"),
    ("😀", "%F0%9F%98%80"),
    ("\u{2024}\u{2024}", "%E2%80%A4%E2%80%A4"),
    ("~_-", "~_-"),
];

#[tokio::test]
async fn delete_user_sends_each_tricky_id_as_one_exact_segment() {
    let server = MockServer::start().await;
    for (_, encoded) in CASES {
        routes::delete_user(&server, encoded, ResponseTemplate::new(200), 1).await;
    }
    routes::unexpected(&server).await;
    let c = client(&server.uri());
    for (id, _) in CASES {
        c.delete_user(id)
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e}"));
    }
    let seen = server.received_requests().await.unwrap();
    let paths: Vec<&str> = seen.iter().map(|r| r.url.path()).collect();
    let expected: Vec<String> = CASES
        .iter()
        .map(|(_, e)| format!("/customer_api/v1/instances/{INSTANCE}/users/{e}"))
        .collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn delete_user_refuses_dot_segments_and_sends_nothing() {
    let server = MockServer::start().await;
    routes::unexpected(&server).await;
    let c = client(&server.uri());
    for id in [".", ".."] {
        match c.delete_user(id).await {
            Err(push_beams::Error::InvalidInput { field, .. }) => {
                assert_eq!(field, "user_id", "{id}")
            }
            other => panic!("{id:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept_in_front_of_every_path() {
    let server = MockServer::start().await;
    let prefix = "/proxy/beams";
    routes::delete_user_under(&server, prefix, "a%2Fb", ResponseTemplate::new(200), 1).await;
    routes::publish_under(
        &server,
        prefix,
        To::Users,
        body_json(sample_body("users", &["u"])),
        published("p"),
        1,
    )
    .await;
    routes::unexpected(&server).await;
    // A trailing `/` on the base URL is not doubled.
    let c = client(&format!("{}{prefix}/", server.uri()));
    c.delete_user("a/b").await.unwrap();
    c.publish_to_users(&["u"], &crate::wire::sample())
        .await
        .unwrap();
}
