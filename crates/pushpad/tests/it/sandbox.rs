//! The whole public API end to end against the local sandbox, and the sandbox refusing what the
//! service refuses.

use std::time::Duration;

use futures_util::StreamExt;
use push_core::{Request, RetryPolicy, Transport};
use push_pushpad::sandbox::{Fault, SANDBOX_PROJECT_ID, SANDBOX_SENDER_ID, SANDBOX_TOKEN, Sandbox};
use push_pushpad::{
    NewNotification, NewProject, NewSender, NewSubscription, NotificationCreateResult,
    NotificationQuery, OffsetDateTime, ProjectUpdate, SenderUpdate, SubscriptionQuery,
    SubscriptionUpdate,
};

/// A sandbox and its own client.
async fn started() -> (Sandbox, push_pushpad::Client) {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox.client().unwrap();
    (sandbox, client)
}

/// Creates a notification with only a body, through `client`.
async fn notify(
    client: &push_pushpad::Client,
    body: &str,
) -> push_pushpad::Result<NotificationCreateResult> {
    client
        .notifications()
        .create(&NewNotification::new(body))
        .await
}

/// The status of a call that must have failed.
fn status_of<T: std::fmt::Debug>(result: push_pushpad::Result<T>) -> Option<u16> {
    result.unwrap_err().status()
}

#[tokio::test]
async fn notifications_reach_matching_subscriptions_and_are_recorded() {
    let (sandbox, client) = started().await;
    sandbox.seed_subscription(SANDBOX_PROJECT_ID, Some("user-1"), &["sports", "news"]);
    sandbox.seed_subscription(SANDBOX_PROJECT_ID, Some("user-2"), &["travel"]);
    sandbox.seed_subscription(SANDBOX_PROJECT_ID, None, &["sports"]);

    let result = client
        .notifications()
        .create(
            &NewNotification::new("Goal!")
                .title("Match")
                .uids(["user-1", "user-2", "user-3"])
                .tags(["sports && !travel"]),
        )
        .await
        .unwrap();
    assert_eq!(result.scheduled, Some(1));
    assert_eq!(result.uids, Some(vec!["user-1".to_owned()]));

    let broadcast = notify(&client, "Hello everyone").await.unwrap();
    assert_eq!(broadcast.scheduled, Some(3));
    let nobody = client
        .notifications()
        .create(&NewNotification::new("Nobody").uids(Vec::<String>::new()))
        .await
        .unwrap();
    assert_eq!(
        nobody.scheduled,
        Some(0),
        "an empty uids list reaches nobody"
    );

    let recorded = sandbox.notifications();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0].request["tags"][0], "sports && !travel");
    assert_eq!(recorded[0].id, result.id);

    let fetched = client.notifications().get(result.id).await.unwrap();
    assert_eq!(fetched.id, result.id);
    assert_eq!(fetched.body.as_deref(), Some("Goal!"));
    let listed = client
        .notifications()
        .all(&NotificationQuery::new())
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].id, nobody.id, "newest first");
    let streamed: Vec<_> = client
        .notifications()
        .stream(NotificationQuery::new())
        .collect()
        .await;
    assert_eq!(streamed.len(), 3);
    assert!(streamed.iter().all(Result::is_ok));
}

#[tokio::test]
async fn scheduling_and_cancelling() {
    let (_sandbox, client) = started().await;
    let notes = client.notifications();
    let at = OffsetDateTime::now_utc() + Duration::from_secs(3600);
    let scheduled = notes
        .create(&NewNotification::new("Later").send_at(at))
        .await
        .unwrap();
    assert_eq!(scheduled.scheduled, None);
    let send_at = scheduled.send_at.unwrap();
    assert!(
        (send_at - at).abs() < time::Duration::seconds(1),
        "{send_at} vs {at}"
    );
    notes.cancel(scheduled.id).await.unwrap();
    let cancelled = notes.get(scheduled.id).await.unwrap();
    assert_eq!(cancelled.cancelled, Some(true));

    // More than 5 days ahead is the server's to refuse: 422 with the field named.
    let too_far = OffsetDateTime::now_utc() + Duration::from_secs(6 * 24 * 3600);
    let err = notes
        .create(&NewNotification::new("Too late").send_at(too_far))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(err.to_string().contains("send_at"), "{err}");
    // Cancelling a notification that was sent already is refused too.
    let sent = notes.create(&NewNotification::new("Now")).await.unwrap();
    assert_eq!(status_of(notes.cancel(sent.id).await), Some(422));
}

#[tokio::test]
async fn subscriptions_crud_filters_count_and_pages() {
    let (_sandbox, client) = started().await;
    let subs = client.subscriptions();
    let mut ids = Vec::new();
    for i in 0..7 {
        let created = subs
            .create(
                &NewSubscription::new(format!("https://push.example.com/{i}"))
                    .uid(format!("user-{}", i % 3))
                    .tags(if i % 2 == 0 {
                        vec!["even"]
                    } else {
                        vec!["odd"]
                    }),
            )
            .await
            .unwrap();
        ids.push(created.id);
    }
    let dup = subs
        .create(&NewSubscription::new("https://push.example.com/0"))
        .await
        .unwrap_err();
    assert_eq!(dup.status(), Some(422));

    assert_eq!(subs.count(&SubscriptionQuery::new()).await.unwrap(), 7);
    assert_eq!(
        subs.count(&SubscriptionQuery::new().tags(["even"]))
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        subs.count(
            &SubscriptionQuery::new()
                .uids(["user-1"])
                .tags(["odd || even"])
        )
        .await
        .unwrap(),
        2
    );
    let mut query = SubscriptionQuery::new();
    query.per_page = Some(3);
    let walked: Vec<_> = subs.stream(query).collect().await;
    assert_eq!(walked.len(), 7);
    let walked_ids: Vec<u64> = walked.into_iter().map(|s| s.unwrap().id).collect();
    assert_eq!(walked_ids, ids);

    let updated = subs
        .update(
            ids[0],
            &SubscriptionUpdate::new().uid("someone").tags(["vip"]),
        )
        .await
        .unwrap();
    assert_eq!(updated.uid.as_deref(), Some("someone"));
    let cleared = subs
        .update(ids[0], &SubscriptionUpdate::new().clear_uid())
        .await
        .unwrap();
    assert_eq!(cleared.uid, None);
    assert_eq!(
        subs.get(ids[0]).await.unwrap().tags,
        Some(vec!["vip".to_owned()])
    );
    subs.delete(ids[0]).await.unwrap();
    assert_eq!(status_of(subs.get(ids[0]).await), Some(404));
    let elsewhere = client.subscriptions().in_project(999);
    assert_eq!(status_of(elsewhere.get(ids[1]).await), Some(404));
}

#[tokio::test]
async fn projects_and_senders_crud() {
    let (_sandbox, client) = started().await;
    let (senders, projects) = (client.senders(), client.projects());
    let sender = senders.create(&NewSender::new("My sender")).await.unwrap();
    assert!(sender.vapid_public_key.is_some());
    let renamed = senders
        .update(sender.id, &SenderUpdate::new().name("Renamed"))
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Renamed"));
    assert_eq!(senders.all().await.unwrap().len(), 2);

    let project = projects
        .create(&NewProject::new(
            sender.id,
            "My project",
            "https://example.org",
        ))
        .await
        .unwrap();
    assert_eq!(project.sender_id, Some(sender.id));
    let updated = projects
        .update(project.id, &ProjectUpdate::new().name("Better name"))
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("Better name"));
    assert_eq!(
        projects.get(project.id).await.unwrap().name.as_deref(),
        Some("Better name")
    );

    // A sender with projects cannot be deleted; once the project is gone it can.
    assert_eq!(
        senders.delete(sender.id).await.unwrap_err().status(),
        Some(422)
    );
    projects.delete(project.id).await.unwrap();
    senders.delete(sender.id).await.unwrap();
    assert_eq!(
        senders.get(sender.id).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(
        senders.get(SANDBOX_SENDER_ID).await.unwrap().id,
        SANDBOX_SENDER_ID
    );
    let missing_sender = projects
        .create(&NewProject::new(424_242, "X", "https://example.org"))
        .await
        .unwrap_err();
    assert_eq!(missing_sender.status(), Some(422));
}

#[tokio::test]
async fn a_wrong_token_is_refused_with_401() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = push_pushpad::Client::builder("not-the-token")
        .project_id(SANDBOX_PROJECT_ID)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    let err = notify(&client, "Hi").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(sandbox.notifications().is_empty());
}

#[tokio::test]
async fn the_sandbox_enforces_limits_on_tampered_requests() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = Transport::builder(sandbox.url())
        .bearer_auth(&push_core::Secret::new(SANDBOX_TOKEN))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let path = format!("/projects/{SANDBOX_PROJECT_ID}/notifications");
    for (body, field) in [
        (r#"{"title":"no body"}"#, "body"),
        (
            r#"{"body":"x","custom_metrics":["a","b","c","d"]}"#,
            "custom_metrics",
        ),
        (
            r#"{"body":"x","actions":[{"title":"t","action":"not a word"}]}"#,
            "actions",
        ),
        (r#"{"body":"x","ttl":-1}"#, "ttl"),
        (r#"{"body":"x","send_at":"tomorrow"}"#, "send_at"),
        (r#"{"body":"x","uids":"user-1"}"#, "uids"),
    ] {
        let err = raw
            .send(Request::post(path.as_str()).json_body(body))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(422), "{body}");
        assert!(err.api().unwrap().body.contains(field), "{body}: {err}");
    }
    let err = raw
        .send(Request::post(path.as_str()).json_body("not json"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(sandbox.notifications().is_empty());
}

#[tokio::test]
async fn injected_faults_are_retried_by_the_client() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.fail_next(2, Fault::status(503).retry_after(Duration::ZERO));
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .build()
        .unwrap();
    let created = notify(&client, "After two 503s").await.unwrap();
    assert_eq!(sandbox.requests_seen(), 3);
    assert_eq!(sandbox.notifications().len(), 1);
    assert_eq!(sandbox.notifications()[0].id, created.id);

    // A 500 on a POST is not retried: the notification might have been created.
    sandbox.fail_next(1, Fault::status(500));
    let err = notify(&client, "Once").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(sandbox.requests_seen(), 4);
}

/// `url()` is the base URL a builder takes, and `client()` does not retry, so an injected
/// fault reaches the caller as it is.
#[tokio::test]
async fn the_sandbox_client_uses_its_url_and_no_retries() {
    let (sandbox, client) = started().await;
    assert_eq!(client.base_url(), sandbox.url());
    assert!(sandbox.url().starts_with("http://127.0.0.1:"));
    assert!(sandbox.url().ends_with("/api/v1"));
    sandbox.fail_next(1, Fault::status(503).retry_after(Duration::ZERO));
    let err = notify(&client, "Once").await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(sandbox.requests_seen(), 1);
    assert!(sandbox.notifications().is_empty());
    let built = push_pushpad::Client::builder(SANDBOX_TOKEN)
        .project_id(SANDBOX_PROJECT_ID)
        .base_url(sandbox.url())
        .build()
        .unwrap();
    assert_eq!(
        built.projects().get(SANDBOX_PROJECT_ID).await.unwrap().id,
        SANDBOX_PROJECT_ID
    );
}
