//! Subscription filters too long for a request URL are refused as `InvalidInput` naming the
//! list, with nothing sent, exactly when the URL would pass the 65 534 bytes the HTTP stack
//! can send (it used to fail as "the connection failed: builder error").

use futures_util::StreamExt;
use push_pushpad::*;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::client;

/// A server answering any request with an empty listing, which must see `n` requests.
async fn listing_server(n: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(n)
        .mount(&server)
        .await;
    server
}

fn field(result: Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::InvalidInput { field, reason }) => {
            assert!(reason.contains("65534"), "{reason}");
            field.into_owned()
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn a_hundred_thousand_uids_are_refused_and_nothing_is_sent() {
    let server = listing_server(0).await;
    let c = client(&server);
    let uids: Vec<String> = (0..100_000).map(|i| format!("user-{i}")).collect();
    let q = SubscriptionQuery::new().uids(uids.clone());
    assert_eq!(field(c.subscriptions().all(&q).await), "uids");
    assert_eq!(field(c.subscriptions().count(&q).await), "uids");
    let first = c.subscriptions().stream(q).next().await.unwrap();
    assert_eq!(field(first), "uids");
    // Short uids and many tags: the tags are what does not fit.
    let q = SubscriptionQuery::new()
        .uids(["a", "b"])
        .tags((0..10_000).map(|i| format!("tag-{i} && !x")));
    assert_eq!(field(c.subscriptions().count(&q).await), "tags");
}

/// The URL as reqwest sends it is `base URL + path + ? + query`: build a query that makes it
/// exactly `len` bytes long.
fn query_of_url_len(base_url_and_path: &str, len: usize) -> SubscriptionQuery {
    // `?` + `page=1` + `&uids%5B%5D=` + uid, repeated.
    let fixed = base_url_and_path.len() + "?page=1".len();
    let pair = "&uids%5B%5D=".len();
    let mut room = len - fixed;
    let mut uids = Vec::new();
    while room > pair + 400 {
        uids.push("u".repeat(200));
        room -= pair + 200;
    }
    uids.push("u".repeat(room - pair));
    SubscriptionQuery::new().page(1).uids(uids)
}

#[tokio::test]
async fn the_longest_sendable_url_is_sent_and_one_byte_more_is_refused() {
    let server = listing_server(1).await;
    let c = client(&server);
    let target = format!("{}/api/v1/projects/123/subscriptions", server.uri());
    let longest = query_of_url_len(&target, 65_534);
    c.subscriptions().all(&longest).await.unwrap();
    let seen = server.received_requests().await.unwrap();
    // wiremock rebuilds the URL on `localhost`: put the real origin back.
    let u = &seen[0].url;
    let url = format!("{}{}?{}", server.uri(), u.path(), u.query().unwrap()).len();
    assert_eq!(url, 65_534);
    let over = query_of_url_len(&target, 65_535);
    assert_eq!(field(c.subscriptions().all(&over).await), "uids");
}
