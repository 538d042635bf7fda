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

    // `field => call;`: the call must be refused as `InvalidInput` naming `field`.
    macro_rules! refused {
        ($($field:literal => $call:expr;)*) => {
            vec![$(($field, $call.await.map(drop))),*]
        };
    }
    let (n, s, p) = (c.notifications(), c.subscriptions(), c.projects());
    let results: Vec<(&str, Result<()>)> = refused! {
        "custom_metrics" => n.create(&ok().custom_metrics(["a", "b", "c", "d"]));
        "actions[0].action" => n.create(&ok().actions([Action::new("ok").action("no spaces")]));
        "actions[1].action" =>
            n.create(&ok().actions([Action::new("a"), Action::new("b").action("")]));
        "actions[0].action" => n.create(&ok().actions([Action::new("a").action("dash-ed")]));
        "project_id" => no_project.notifications().create(&ok());
        "project_id" => no_project.subscriptions().all(&SubscriptionQuery::new());
        "page" => n.all(&NotificationQuery::new().page(0));
        "page" => s.all(&SubscriptionQuery::new().page(0));
        "per_page" => s.all(&SubscriptionQuery::new().per_page(0));
        "notifications_ttl" =>
            p.create(&NewProject::new(1, "n", "https://x").notifications_ttl(2_419_201));
        "notifications_ttl" => p.update(1, &ProjectUpdate::new().notifications_ttl(2_419_201));
        // In UTC this is the year 10000, which ISO 8601 as the API takes it cannot write.
        "send_at" => n.create(&ok().send_at(time::macros::datetime!(9999-12-31 23:00 -5)));
    };
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
    let mocks = [
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
    ];
    for mock in mocks {
        mock.expect(1).mount(&server).await;
    }
    catch_all(&server).await;
    let n = NewNotification::new(" ")
        .title("")
        .actions([Action::new("").target_url("")])
        .custom_metrics([""])
        .uids([""])
        .tags([" "]);
    let (s, p, snd) = (c.subscriptions(), c.projects(), c.senders());
    await_ok! {
        c.notifications().create(&n);
        c.notifications().in_project(0).all(&NotificationQuery::new());
        c.notifications().get(0);
        c.notifications().cancel(0);
        s.create(&NewSubscription::new("").tags([""]));
        s.update(0, &SubscriptionUpdate::new().uid(""));
        s.delete(0);
        p.create(&NewProject::new(0, "", " "));
        p.update(0, &ProjectUpdate::new().name(""));
        p.delete(0);
        snd.create(&NewSender::new(""));
        snd.update(7, &SenderUpdate::new().name(" "));
        snd.get(0);
    }
    // A default project 0 is a project id like any other.
    let zero = Client::builder(TOKEN)
        .project_id(0)
        .base_url(format!("{}/api/v1", server.uri()))
        .build()
        .unwrap();
    assert_eq!(zero.project_id(), Some(0));
}
