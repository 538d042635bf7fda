//! Bad inputs give typed InvalidInput errors, no request is sent, nothing panics.

use push_pushpad::*;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::common::{TOKEN, client};
use super::routes::{self, catch_all};

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
            "custom_metrics",
            c.notifications()
                .create(&ok().custom_metrics(["a", "b", "c", "d"]))
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
            "page",
            c.notifications()
                .all(&NotificationQuery::new().page(0))
                .await
                .map(drop),
        ),
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
            "notifications_ttl",
            c.projects()
                .create(&NewProject::new(1, "n", "https://x").notifications_ttl(2_419_201))
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
        (
            // In UTC this is the year 10000, which ISO 8601 as the API takes it cannot write.
            "send_at",
            c.notifications()
                .create(&ok().send_at(time::macros::datetime!(9999-12-31 23:00 -5)))
                .await
                .map(drop),
        ),
    ];
    assert!(results.len() >= 10);
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

/// What Pushpad does not document as an error is sent as given: blank texts (a body, a title,
/// an action title, uids, tags, names, an endpoint, a uid) and the id 0. The server judges
/// them.
#[tokio::test]
async fn undocumented_refusals_are_left_to_the_server() {
    let server = MockServer::start().await;
    let c = client(&server);
    let object = || ResponseTemplate::new(201).set_body_string(r#"{"id":1}"#);
    let found = || ResponseTemplate::new(200).set_body_string(r#"{"id":1}"#);
    for mock in [
        routes::create_notification(123)
            .body(
                json!({"body": " ", "title": "", "actions": [{"title": "", "target_url": ""}],
                        "custom_metrics": [""], "uids": [""], "tags": [" "]}),
            )
            .respond(object()),
        routes::list_notifications(0).respond(ResponseTemplate::new(200).set_body_string("[]")),
        routes::get_notification(0).respond(found()),
        routes::cancel_notification(0).respond(ResponseTemplate::new(204)),
        routes::create_subscription(123)
            .body(json!({"endpoint": "", "tags": [""]}))
            .respond(object()),
        routes::update_subscription(123, 0)
            .body(json!({"uid": ""}))
            .respond(found()),
        routes::delete_subscription(123, 0).respond(ResponseTemplate::new(204)),
        routes::create_project()
            .body(json!({"sender_id": 0, "name": "", "website": " "}))
            .respond(object()),
        routes::update_project(0)
            .body(json!({"name": ""}))
            .respond(found()),
        routes::delete_project(0).respond(ResponseTemplate::new(202)),
        routes::create_sender()
            .body(json!({"name": ""}))
            .respond(object()),
        routes::update_sender(7)
            .body(json!({"name": " "}))
            .respond(found()),
        routes::get_sender(0).respond(found()),
    ] {
        mock.expect(1).mount(&server).await;
    }
    catch_all(&server).await;
    let n = NewNotification::new(" ")
        .title("")
        .actions([Action::new("").target_url("")])
        .custom_metrics([""])
        .uids([""])
        .tags([" "]);
    c.notifications().create(&n).await.unwrap();
    c.notifications()
        .in_project(0)
        .all(&NotificationQuery::new())
        .await
        .unwrap();
    c.notifications().get(0).await.unwrap();
    c.notifications().cancel(0).await.unwrap();
    let s = c.subscriptions();
    s.create(&NewSubscription::new("").tags([""]))
        .await
        .unwrap();
    s.update(0, &SubscriptionUpdate::new().uid(""))
        .await
        .unwrap();
    s.delete(0).await.unwrap();
    c.projects()
        .create(&NewProject::new(0, "", " "))
        .await
        .unwrap();
    c.projects()
        .update(0, &ProjectUpdate::new().name(""))
        .await
        .unwrap();
    c.projects().delete(0).await.unwrap();
    c.senders().create(&NewSender::new("")).await.unwrap();
    c.senders()
        .update(7, &SenderUpdate::new().name(" "))
        .await
        .unwrap();
    c.senders().get(0).await.unwrap();
    // A default project 0 is a project id like any other.
    let zero = Client::builder(TOKEN)
        .project_id(0)
        .base_url(format!("{}/api/v1", server.uri()))
        .build()
        .unwrap();
    assert_eq!(zero.project_id(), Some(0));
}
