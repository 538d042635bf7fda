//! wiremock tests: exact requests per call, every error status, decoding sparse bodies,
//! the page walkers, and which calls are retried. Each test mounts the routes it expects
//! (`routes.rs`) and the fail-loudly catch-all last.

use futures_util::StreamExt;
use push_pushpad::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use super::common::{TOKEN, builder_at, client};
use super::routes::{self, serve};

#[tokio::test]
async fn create_sends_exact_body_and_headers() {
    let server = serve([routes::create_notification(123)
        .body(json!({"body": "Hi", "uids": [], "tags": ["a && !b"],
                 "send_at": "2030-01-02T03:04:05Z", "custom_metrics": ["m1"]}))
        .respond(routes::json(
            201,
            json!({"id": 9, "send_at": "2030-01-02T03:04:05.000Z"}),
        ))
        .expect(1)])
    .await;
    let at = time::macros::datetime!(2030-01-02 05:04:05 +02:00); // converted to UTC
    let n = NewNotification::new("Hi")
        .uids(Vec::<String>::new())
        .tags(["a && !b"])
        .send_at(at)
        .custom_metrics(["m1"]);
    let r = client(&server).notifications().create(&n).await.unwrap();
    assert_eq!(r.id, 9);
    assert_eq!(r.scheduled, None);
    assert_eq!(
        r.send_at,
        Some(time::macros::datetime!(2030-01-02 03:04:05 UTC))
    );
}

#[tokio::test]
async fn error_statuses_are_typed_api_errors() {
    let table: [(u16, &str, Option<&str>); 6] = [
        (401, r#"{"error":"Unauthorized"}"#, Some("Unauthorized")),
        (403, r#"{"error":"Forbidden"}"#, Some("Forbidden")),
        (404, r#"{"error":"Not Found"}"#, Some("Not Found")),
        (
            422,
            r#"{"errors":{"body":["can't be blank"]}}"#,
            Some("body can't be blank"),
        ),
        (500, "Internal Server Error", Some("Internal Server Error")),
        (429, "", None),
    ];
    for (status, body, message) in table {
        let server = serve([routes::get_notification(42)
            .respond(ResponseTemplate::new(status).set_body_string(body))
            .expect(1)])
        .await;
        let err = client(&server).notifications().get(42).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        let api = err.api().unwrap();
        assert_eq!(api.body, body);
        assert_eq!(api.message.as_deref(), message, "{status}");
    }
}

#[tokio::test]
async fn unexpected_success_statuses_are_errors() {
    let created = routes::create_notification(123)
        .body(json!({"body": "x"}))
        .respond(routes::json(200, json!({"id": 1})))
        .expect(1);
    let deletions = [
        routes::cancel_notification(1),
        routes::delete_project(1),
        routes::delete_sender(1),
        routes::delete_subscription(123, 1),
    ]
    .map(|route| route.respond(ResponseTemplate::new(200)).expect(1));
    let server = serve(std::iter::once(created).chain(deletions)).await;
    let c = client(&server);
    // Each call's error status; a call that succeeded shows as `None`.
    let status = |r: Result<()>| r.err().and_then(|e| e.status());
    let statuses = [
        status(
            c.notifications()
                .create(&NewNotification::new("x"))
                .await
                .map(drop),
        ),
        status(c.notifications().cancel(1).await),
        status(c.projects().delete(1).await),
        status(c.senders().delete(1).await),
        status(c.subscriptions().delete(1).await),
    ];
    assert_eq!(statuses, [Some(200); 5]);
}

#[tokio::test]
async fn null_heavy_bodies_decode() {
    let server = serve([
        routes::get_notification(7)
            .respond(routes::json(
                200,
                json!({
        "id": 7, "project_id": 1, "title": "t", "body": "b", "target_url": "https://x",
        "icon_url": null, "badge_url": null, "image_url": null, "ttl": 10,
        "require_interaction": false, "silent": false, "urgent": false, "custom_data": null,
        "actions": null, "starred": false, "send_at": null, "custom_metrics": null,
        "uids": null, "tags": null, "created_at": "2016-07-06T10:58:39.192Z",
        "successfully_sent_count": null, "opened_count": null, "scheduled_count": null,
        "scheduled": null, "cancelled": null}),
            ))
            .expect(1),
        routes::get_subscription(123, 3)
            .respond(routes::json(200, json!({"id": 3})))
            .expect(1),
    ])
    .await;
    let c = client(&server);
    let n = c.notifications().get(7).await.unwrap();
    assert_eq!(n.actions, None);
    assert_eq!(n.ttl, Some(10));
    assert_eq!(n.created_at.unwrap().millisecond(), 192);
    let s = c.subscriptions().get(3).await.unwrap();
    assert_eq!((s.id, s.uid, s.tags), (3, None, None));
}

#[tokio::test]
async fn count_reads_x_total_count_and_rejects_a_missing_one() {
    let server = serve([
        routes::count_subscriptions(5)
            .query("tags%5B%5D=a+%7C%7C+b")
            .respond(ResponseTemplate::new(200).insert_header("X-Total-Count", "1234"))
            .expect(1),
        routes::count_subscriptions(6)
            .query("tags%5B%5D=a+%7C%7C+b")
            .respond(ResponseTemplate::new(404))
            .expect(1),
    ])
    .await;
    let c = client(&server);
    let q = SubscriptionQuery::new().tags(["a || b"]);
    assert_eq!(
        c.subscriptions().in_project(5).count(&q).await.unwrap(),
        1234
    );
    let err = c.subscriptions().in_project(6).count(&q).await.unwrap_err();
    assert!(err.status() == Some(404), "{err}");
    let server2 = serve([routes::count_subscriptions(123)
        .respond(ResponseTemplate::new(200))
        .expect(1)])
    .await;
    let err = client(&server2)
        .subscriptions()
        .count(&SubscriptionQuery::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

fn subs(ids: std::ops::Range<u64>) -> serde_json::Value {
    json!(
        ids.map(|i| json!({"id": i, "endpoint": format!("https://push/{i}")}))
            .collect::<Vec<_>>()
    )
}

#[tokio::test]
async fn subscription_stream_walks_until_a_short_page() {
    let pages = [(1, 0..2), (2, 2..4), (3, 4..5)].map(|(page, range)| {
        routes::list_subscriptions(123)
            .query(&format!("page={page}&per_page=2"))
            .respond(routes::json(200, subs(range)))
            .expect(1)
    });
    let server = serve(pages).await;
    let c = client(&server);
    let ids: Vec<u64> = c
        .subscriptions()
        .stream(SubscriptionQuery::new().per_page(2))
        .map(|s| s.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, vec![0, 1, 2, 3, 4]);
}

#[tokio::test]
async fn notification_stream_stops_at_an_empty_page_and_on_error() {
    let note = |i: u64| json!({"id": i});
    let pages = [
        (1, json!([note(1), note(2)])),
        (2, json!([note(3)])),
        (3, json!([])),
    ]
    .map(|(page, body)| {
        routes::list_notifications(123)
            .query(&format!("page={page}"))
            .respond(routes::json(200, body))
            .expect(1)
    });
    let server = serve(pages).await;
    let c = client(&server);
    let ids: Vec<u64> = c
        .notifications()
        .stream(NotificationQuery::new())
        .map(|n| n.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, vec![1, 2, 3]);

    let failing = serve([routes::list_notifications(123)
        .query("page=1")
        .respond(ResponseTemplate::new(403).set_body_string(r#"{"error":"Forbidden"}"#))
        .expect(1)])
    .await;
    let c = client(&failing);
    let items: Vec<Result<Notification>> = c
        .notifications()
        .stream(NotificationQuery::new())
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap_err().status(), Some(403));
}

/// `all(&query)` sends the page asked for, and `stream(query)` starts there; the stream is
/// read with `next()` as it is, unpinned.
#[tokio::test]
async fn notification_pages_start_where_the_query_says() {
    let server = serve([
        routes::list_notifications(123)
            .query("page=2")
            .respond(routes::json(200, json!([{"id": 3}])))
            .expect(2),
        routes::list_notifications(123)
            .query("page=3")
            .respond(routes::json(200, json!([])))
            .expect(1),
        routes::list_notifications(123)
            .respond(routes::json(200, json!([{"id": 4}])))
            .expect(1),
    ])
    .await;
    let c = client(&server);
    let second = NotificationQuery::new().page(2);
    assert_eq!(c.notifications().all(&second).await.unwrap()[0].id, 3);
    assert_eq!(
        c.notifications()
            .all(&NotificationQuery::new())
            .await
            .unwrap()[0]
            .id,
        4,
        "no page given: no page sent"
    );
    let mut stream = c.notifications().stream(second);
    assert_eq!(stream.next().await.unwrap().unwrap().id, 3);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn content_type_only_with_a_body() {
    let server = serve([
        routes::list_senders()
    .respond(routes::json(200, json!([{"id": 1, "name": "s",
        "vapid_private_key": "-----BEGIN EC PRIVATE KEY-----", "vapid_public_key": "-----BEGIN PUBLIC KEY-----",
        "created_at": "2016-07-06T10:58:39.192Z"}])))
    .expect(1),
    ])
    .await;
    let c = client(&server);
    let senders = c.senders().all().await.unwrap();
    assert_eq!(senders[0].name.as_deref(), Some("s"));
    let reqs = server.received_requests().await.unwrap();
    assert!(reqs[0].headers.get("content-type").is_none());
}

#[test]
fn builder_config_errors() {
    assert!(matches!(
        Client::builder("  ").build(),
        Err(Error::Config { .. })
    ));
    assert!(matches!(
        Client::builder("t").base_url("not a url").build(),
        Err(Error::Config { .. })
    ));
    assert!(matches!(
        Client::builder("t").proxy("::not a proxy::").build(),
        Err(Error::Config { .. })
    ));
}

/// The setters every push-rs builder shares cannot fail; `build()` takes what they hold.
#[test]
fn the_shared_setters_are_taken_by_build() {
    let client = Client::builder(TOKEN)
        .project_id(7)
        .base_url("http://127.0.0.1:9/prefix/api/v1/")
        .timeout(std::time::Duration::from_secs(5))
        .connect_timeout(std::time::Duration::from_secs(1))
        .retry_policy(RetryPolicy::none())
        .proxy("http://127.0.0.1:9")
        .sleeper(Sleeper::tokio())
        .clock(Clock::fixed(1_700_000_000))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/prefix/api/v1");
    assert_eq!(client.project_id(), Some(7));
    assert_eq!(Client::new(TOKEN, 1).unwrap().base_url(), DEFAULT_BASE_URL);
}

/// Bodies from the Go 1.0.0 SDK's tests (reference §4.4): null-heavy and all-fields shapes.
#[tokio::test]
async fn go_sdk_bodies_decode() {
    let bodies = [
        (
            routes::get_notification(88),
            super::answers::GO_NOTIFICATION_NULLS,
        ),
        (
            routes::get_subscription(123, 456),
            super::answers::GO_SUBSCRIPTION,
        ),
        (routes::get_project(98765), super::answers::GO_PROJECT),
        (routes::get_sender(98765), super::answers::GO_SENDER),
    ]
    .map(|(route, body)| {
        route
            .respond(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .expect(1)
    });
    let server = serve(bodies).await;
    let c = client(&server);
    let n = c.notifications().get(88).await.unwrap();
    assert_eq!(
        (n.id, n.body.as_deref(), n.scheduled, n.actions, n.send_at),
        (88, Some("Hello"), None, None, None)
    );
    let s = c.subscriptions().get(456).await.unwrap();
    assert_eq!(s.tags, Some(vec!["tag1".to_owned(), "tag2".to_owned()]));
    assert_eq!(
        s.last_click_at,
        Some(time::macros::datetime!(2016-07-06 10:09:00 UTC))
    );
    let p = c.projects().get(98765).await.unwrap();
    assert_eq!((p.sender_id, p.notifications_ttl), (Some(9), Some(604800)));
    let snd = c.senders().get(98765).await.unwrap();
    assert_eq!(
        snd.vapid_public_key.as_deref(),
        Some("-----BEGIN PUBLIC KEY----- ...")
    );
}

#[tokio::test]
async fn invalid_json_on_success_is_a_decode_error() {
    let server = serve([routes::list_projects()
        .respond(ResponseTemplate::new(200).set_body_string("not json"))
        .expect(1)])
    .await;
    let err = client(&server).projects().all().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[test]
fn parse_error_shapes() {
    let e = parse_error(
        422,
        br#"{"errors":{"body":["can't be blank","too short"],"ttl":["is invalid"]}}"#,
    );
    assert_eq!(
        e.message.as_deref(),
        Some("body can't be blank, too short; ttl is invalid")
    );
    assert_eq!(e.code.as_deref(), Some("validation_error"));
    let e = parse_error(422, br#"{"message":"Invalid input"}"#);
    assert_eq!(e.message.as_deref(), Some("Invalid input"));
    let e = parse_error(404, b"");
    assert_eq!((e.status, e.message.as_deref()), (404, None));
}

fn retrying_client(server: &MockServer) -> Client {
    builder_at(&server.uri())
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .sleeper(Sleeper::new(|_| async {}))
        .build()
        .unwrap()
}

/// Pushpad's calls under push-core's rule: a create (POST) is repeated only when the service
/// certainly did not act (503), never after a 500; a listing (GET) is repeated after a 500.
#[tokio::test]
async fn create_is_retried_only_when_it_surely_did_not_run() {
    let create = || routes::create_notification(123).body(json!({"body": "x"}));
    // 503: the server refused before acting, so the POST is retried and succeeds.
    let server = serve([
        create()
            .respond(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .expect(1),
        create()
            .respond(routes::json(201, json!({"id": 5, "scheduled": 1})))
            .expect(1),
    ])
    .await;
    let r = retrying_client(&server)
        .notifications()
        .create(&NewNotification::new("x"))
        .await
        .unwrap();
    assert_eq!(r.id, 5);

    // 500 on a POST may have sent the notification: no retry.
    let server = serve([create().respond(ResponseTemplate::new(500)).expect(1)]).await;
    let err = retrying_client(&server)
        .notifications()
        .create(&NewNotification::new("x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));

    // 500 on a GET is retried.
    let server = serve([routes::list_projects()
        .respond(ResponseTemplate::new(500))
        .expect(3)])
    .await;
    let err = retrying_client(&server).projects().all().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
}
