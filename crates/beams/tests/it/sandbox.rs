//! The public API end to end against the local sandbox, and the sandbox refusing what Beams
//! refuses.

use std::time::Duration;

use push_beams::sandbox::{Audience, Fault, SANDBOX_INSTANCE_ID, SANDBOX_SECRET_KEY, Sandbox};
use push_beams::{Apns, Client, Fcm, PublishRequest, Web};
use push_core::{Request, RetryPolicy, Secret, Transport};

use crate::routes::To;

fn request() -> PublishRequest {
    PublishRequest::new()
        .apns(Apns::new().alert("Hello", "Hello, world!"))
        .fcm(Fcm::new().notification("Hello", "Hello, world!"))
        .web(Web::new().title("Hello").body("Hello, world!"))
}

/// A sandbox and its own client.
async fn started() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox.client().unwrap();
    (sandbox, client)
}

/// Publishes to every id of `ids` in as many requests as it takes, checks that each request
/// succeeded (naming the first that did not), and gives how many there were.
async fn publish_chunked(client: &Client, to: To, ids: &[String]) -> usize {
    let chunks = match to {
        To::Interests => client.publish_to_interests_chunked(ids, &request()).await,
        To::Users => client.publish_to_users_chunked(ids, &request()).await,
    }
    .unwrap();
    assert!(
        chunks.iter().all(|c| c.result.is_ok()),
        "{:?}",
        chunks.iter().find(|c| c.result.is_err())
    );
    chunks.len()
}

/// Every id the sandbox received, in order, checking that no request carried more than one
/// publish allows.
fn received_ids(sandbox: &Sandbox) -> Vec<String> {
    let mut received = Vec::new();
    for publish in sandbox.publishes() {
        match publish.audience {
            Audience::Users(ids) => {
                assert!(ids.len() <= 1000);
                received.extend(ids);
            }
            Audience::Interests(ids) => {
                assert!(ids.len() <= 100);
                received.extend(ids);
            }
            _ => panic!("an audience this test does not know"),
        }
    }
    received
}

#[tokio::test]
async fn publishes_and_deletions_are_accepted_and_recorded() {
    let (sandbox, client) = started().await;
    let to_interests = client
        .publish_to_interests(&["donuts", "hello"], &request())
        .await
        .unwrap();
    let to_users = client
        .publish_to_users(&["user-1", "user/ü 2"], &request())
        .await
        .unwrap();
    assert!(to_interests.starts_with("pubid-") && to_interests != to_users);
    client.delete_user("user/ü 2").await.unwrap();

    let published = sandbox.publishes();
    assert_eq!(published.len(), 2);
    assert_eq!(published[0].publish_id, to_interests);
    assert_eq!(
        published[0].audience,
        Audience::Interests(vec!["donuts".into(), "hello".into()])
    );
    assert_eq!(
        published[1].audience,
        Audience::Users(vec!["user-1".into(), "user/ü 2".into()])
    );
    assert_eq!(published[1].body["web"]["notification"]["title"], "Hello");
    assert_eq!(
        published[0].body["apns"]["aps"]["alert"]["body"],
        "Hello, world!"
    );
    // The `/` in the user id was encoded, so the sandbox saw one path segment.
    assert_eq!(sandbox.deleted_users(), vec!["user/ü 2".to_owned()]);
}

#[tokio::test]
async fn a_large_audience_arrives_whole_in_compliant_requests() {
    let (sandbox, client) = started().await;
    let users: Vec<String> = (0..4321).map(|i| format!("user-{i}")).collect();
    assert_eq!(publish_chunked(&client, To::Users, &users).await, 5);
    let mut received = received_ids(&sandbox);
    received.sort();
    let mut expected = users.clone();
    expected.sort();
    assert_eq!(received, expected, "every user exactly once");
}

#[tokio::test]
async fn long_ids_are_split_by_body_size_too() {
    // 1000 ids of 164 characters full of quotes (each escaped to two bytes) exceed the
    // 200 KiB users body; 100 interests of 164 characters exceed the 10 KiB interests body.
    // The sandbox refuses oversized bodies as Beams does, so every chunk succeeding proves the
    // split respects both limits.
    let (sandbox, client) = started().await;
    let users: Vec<String> = (0..2000).map(|i| format!("{i:\"<164}")).collect();
    publish_chunked(&client, To::Users, &users).await;
    let interests: Vec<String> = (0..150).map(|i| format!("{i:0>164}")).collect();
    publish_chunked(&client, To::Interests, &interests).await;
    assert_eq!(received_ids(&sandbox).len(), 2150);
}

#[tokio::test]
async fn wrong_credentials_get_the_services_answers() {
    let sandbox = Sandbox::start().await.unwrap();
    let wrong_key = push_beams::Client::builder(SANDBOX_INSTANCE_ID, "wrong-key")
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let err = wrong_key
        .publish_to_interests(&["donuts"], &request())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.api().unwrap().code.as_deref(), Some("Unauthorized"));

    let wrong_instance =
        push_beams::Client::builder("00000000-0000-4000-8000-00000000ffff", SANDBOX_SECRET_KEY)
            .base_url(sandbox.url())
            .build()
            .unwrap();
    let err = wrong_instance.delete_user("user-1").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.api().unwrap().code.as_deref(),
        Some("Instance not found")
    );
    assert!(sandbox.publishes().is_empty() && sandbox.deleted_users().is_empty());
}

#[tokio::test]
async fn the_sandbox_enforces_limits_on_tampered_requests() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Transport::builder(sandbox.url())
        .bearer_auth(&Secret::new(SANDBOX_SECRET_KEY))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let interests_path =
        format!("/publish_api/v1/instances/{SANDBOX_INSTANCE_ID}/publishes/interests");
    let users_path = format!("/publish_api/v1/instances/{SANDBOX_INSTANCE_ID}/publishes/users");
    let many: Vec<String> = (0..101).map(|i| format!("i{i}")).collect();
    let cases = [
        (
            &interests_path,
            serde_json::json!({"interests": many, "web": {}}),
            422,
        ),
        (
            &interests_path,
            serde_json::json!({"interests": ["bad name"], "web": {}}),
            422,
        ),
        (
            &interests_path,
            serde_json::json!({"interests": [""], "web": {}}),
            422,
        ),
        (
            &interests_path,
            serde_json::json!({"interests": ["a"]}),
            422,
        ),
        (&interests_path, serde_json::json!({"web": {}}), 422),
        (
            &users_path,
            serde_json::json!({"users": ["u", "u"], "web": {}}),
            422,
        ),
        (
            &users_path,
            serde_json::json!({"users": ["x".repeat(165)], "web": {}}),
            422,
        ),
        (
            &users_path,
            serde_json::json!({"users": [], "web": {}}),
            422,
        ),
        (
            &interests_path,
            serde_json::json!({"interests": ["a"], "web": {"data": {"x": "y".repeat(11 * 1024)}}}),
            400,
        ),
        (
            &users_path,
            serde_json::json!({"users": ["u"], "web": {"time_to_live": 2_419_201}}),
            422,
        ),
        (
            &users_path,
            serde_json::json!({"users": ["u"], "web": {"data": {"pusher": 1}}}),
            422,
        ),
    ];
    for (path, body, status) in cases {
        let err = raw
            .send(Request::post(path.as_str()).json_body(body.to_string()))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status), "{body}");
    }
    let err = raw
        .send(Request::post(interests_path.as_str()).json_body("[1,2]"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let err = raw
        .send(Request::delete(format!(
            "/customer_api/v1/instances/{SANDBOX_INSTANCE_ID}/users/{}",
            "a".repeat(165)
        )))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(sandbox.publishes().is_empty());
    // What Beams documents no rule against: a repeated interest, the longest web time to live.
    for (path, body) in [
        (
            &interests_path,
            serde_json::json!({"interests": ["a", "a"], "web": {}}),
        ),
        (
            &users_path,
            serde_json::json!({"users": ["u"], "web": {"time_to_live": 2_419_200}}),
        ),
    ] {
        raw.send(Request::post(path.as_str()).json_body(body.to_string()))
            .await
            .unwrap_or_else(|e| panic!("{body}: {e}"));
    }
    assert_eq!(sandbox.publishes().len(), 2);
}

#[tokio::test]
async fn rate_limiting_is_retried_then_reported() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.fail_next(1, Fault::status(429).retry_after(Duration::ZERO));
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::default().max_attempts(2))
        .build()
        .unwrap();
    client
        .publish_to_users(&["user-1"], &request())
        .await
        .unwrap();
    assert_eq!(sandbox.requests_seen(), 2);

    sandbox.fail_next(
        2,
        Fault::status(429)
            .retry_after(Duration::ZERO)
            .body(r#"{"error":"Rate Limited","description":"Too many requests"}"#),
    );
    let err = client
        .publish_to_users(&["user-2"], &request())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(sandbox.publishes().len(), 1);
}

/// `url()` is what the builder takes, and the sandbox's own client reaches it without retries,
/// so an injected fault comes straight back.
#[tokio::test]
async fn the_sandbox_hands_out_a_client_of_itself_without_retries() {
    let (sandbox, client) = started().await;
    assert_eq!(client.base_url(), sandbox.url());
    assert_eq!(client.instance_id(), SANDBOX_INSTANCE_ID);
    let by_hand = Client::builder(SANDBOX_INSTANCE_ID, SANDBOX_SECRET_KEY)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    by_hand.delete_user("user-1").await.unwrap();

    sandbox.fail_next(1, Fault::status(503).body("busy"));
    let err = client
        .publish_to_users(&["user-1"], &request())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        sandbox.requests_seen(),
        2,
        "one deletion, one faulted publish"
    );
    client
        .publish_to_users(&["user-1"], &request())
        .await
        .unwrap();
    assert_eq!(sandbox.publishes().len(), 1);
    assert_eq!(sandbox.deleted_users(), ["user-1"]);
}
