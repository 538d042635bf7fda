//! Bad inputs give typed InvalidInput errors, no request is sent, nothing panics.

use pushpad::*;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{TOKEN, client};

#[tokio::test]
async fn bad_inputs_are_rejected_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let no_project = Client::builder(TOKEN)
        .base_url(format!("{}/api/v1", server.uri()))
        .build()
        .unwrap();
    let ok = || NewNotification::new("hello");

    let results: Vec<(&str, Result<()>)> = vec![
        (
            "body",
            c.notifications()
                .create(&NewNotification::new(""))
                .await
                .map(drop),
        ),
        (
            "body",
            c.notifications()
                .create(&NewNotification::new("   "))
                .await
                .map(drop),
        ),
        (
            "title",
            c.notifications().create(&ok().title("")).await.map(drop),
        ),
        (
            "custom_metrics",
            c.notifications()
                .create(&ok().custom_metrics(["a", "b", "c", "d"]))
                .await
                .map(drop),
        ),
        (
            "custom_metrics[1]",
            c.notifications()
                .create(&ok().custom_metrics(["a", ""]))
                .await
                .map(drop),
        ),
        (
            "actions[0].title",
            c.notifications()
                .create(&ok().actions([Action::new("")]))
                .await
                .map(drop),
        ),
        (
            "actions[0].action",
            c.notifications()
                .create(&ok().actions([Action::new("ok").action("no spaces")]))
                .await
                .map(drop),
        ),
        (
            "actions[1].action",
            c.notifications()
                .create(&ok().actions([Action::new("a"), Action::new("b").action("")]))
                .await
                .map(drop),
        ),
        (
            "actions[0].action",
            c.notifications()
                .create(&ok().actions([Action::new("a").action("dash-ed")]))
                .await
                .map(drop),
        ),
        (
            "uids[0]",
            c.notifications().create(&ok().uids([""])).await.map(drop),
        ),
        (
            "tags[1]",
            c.notifications()
                .create(&ok().tags(["a", " "]))
                .await
                .map(drop),
        ),
        (
            "project_id",
            no_project.notifications().create(&ok()).await.map(drop),
        ),
        (
            "project_id",
            no_project
                .subscriptions()
                .all(&SubscriptionQuery::new())
                .await
                .map(drop),
        ),
        (
            "project_id",
            c.notifications().in_project(0).all(None).await.map(drop),
        ),
        ("page", c.notifications().all(Some(0)).await.map(drop)),
        ("id", c.notifications().get(0).await.map(drop)),
        ("id", c.notifications().cancel(0).await),
        (
            "page",
            c.subscriptions()
                .all(&SubscriptionQuery::new().page(0))
                .await
                .map(drop),
        ),
        (
            "per_page",
            c.subscriptions()
                .all(&SubscriptionQuery::new().per_page(0))
                .await
                .map(drop),
        ),
        (
            "uids[0]",
            c.subscriptions()
                .count(&SubscriptionQuery::new().uids([""]))
                .await
                .map(drop),
        ),
        (
            "endpoint",
            c.subscriptions()
                .create(&NewSubscription::new(""))
                .await
                .map(drop),
        ),
        (
            "uid",
            c.subscriptions()
                .update(1, &SubscriptionUpdate::new().uid(""))
                .await
                .map(drop),
        ),
        ("id", c.subscriptions().delete(0).await),
        (
            "sender_id",
            c.projects()
                .create(&NewProject::new(0, "n", "https://x"))
                .await
                .map(drop),
        ),
        (
            "name",
            c.projects()
                .create(&NewProject::new(1, "", "https://x"))
                .await
                .map(drop),
        ),
        (
            "website",
            c.projects()
                .create(&NewProject::new(1, "n", ""))
                .await
                .map(drop),
        ),
        (
            "notifications_ttl",
            c.projects()
                .update(1, &ProjectUpdate::new().notifications_ttl(2_419_201))
                .await
                .map(drop),
        ),
        ("id", c.projects().delete(0).await),
        (
            "name",
            c.senders().create(&NewSender::new("")).await.map(drop),
        ),
        (
            "name",
            c.senders()
                .update(1, &SenderUpdate::new().name(""))
                .await
                .map(drop),
        ),
        ("id", c.senders().get(0).await.map(drop)),
    ];
    assert!(results.len() >= 15);
    for (field, result) in results {
        match result {
            Err(Error::InvalidInput { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: expected InvalidInput, got {other:?}"),
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn limits_are_inclusive() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"id":1,"scheduled":0}"#))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let n = NewNotification::new("x")
        .custom_metrics(["a", "b", "c"])
        .actions([Action::new("ok").action("Word_1")]);
    c.notifications().create(&n).await.unwrap();
    let p = NewProject::new(1, "n", "https://x").notifications_ttl(2_419_200);
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"id":2}"#))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(c.projects().create(&p).await.unwrap().id, 2);
}
