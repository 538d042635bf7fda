//! Every path this crate builds, checked against the exact path the server receives.
//!
//! Pushpad's paths take only integers from the caller (project, notification, subscription,
//! sender ids: `u64`, written in decimal, so never a dot segment or a `/`); the caller's
//! strings (`uids`, `tags`) go in the query, form-encoded. What remains is the base URL's path
//! prefix, which every path must keep in front of it.

use push_pushpad::*;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use push_test_support::mock::serving;

use super::common::TOKEN;

fn client_at(base_url: String) -> Client {
    Client::builder(TOKEN)
        .project_id(123)
        .base_url(base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Answers what each call expects: 201 with an object to a create, 204 or 202 to a delete or
/// cancel, an array to a listing, an object otherwise.
fn answer(req: &Request) -> ResponseTemplate {
    let p = req.url.path();
    match req.method.as_str() {
        "POST" => ResponseTemplate::new(201).set_body_string(r#"{"id":1}"#),
        "DELETE" if p.contains("/projects/") && !p.contains("/subscriptions/") => {
            ResponseTemplate::new(202)
        }
        "DELETE" => ResponseTemplate::new(204),
        "HEAD" => ResponseTemplate::new(200).insert_header("X-Total-Count", "0"),
        _ if p.ends_with("s") => ResponseTemplate::new(200).set_body_string("[]"),
        _ => ResponseTemplate::new(200).set_body_string(r#"{"id":1}"#),
    }
}

/// Runs every call once with the given id.
async fn every_call(c: &Client, id: u64) {
    let (n, n2) = (c.notifications(), c.notifications().in_project(id));
    let (s, s2) = (c.subscriptions(), c.subscriptions().in_project(id));
    let (p, snd) = (c.projects(), c.senders());
    let q = SubscriptionQuery::new();
    await_ok! {
        n.create(&NewNotification::new("b"));
        n2.create(&NewNotification::new("b"));
        n.all(&NotificationQuery::new());
        n.get(id);
        n.cancel(id);
        s.all(&q);
        s2.count(&q);
        s.create(&NewSubscription::new("https://e"));
        s2.get(id);
        s.update(id, &SubscriptionUpdate::new().uid("u"));
        s2.delete(id);
        p.all();
        p.create(&NewProject::new(1, "n", "https://w"));
        p.get(id);
        p.update(id, &ProjectUpdate::new().name("m"));
        p.delete(id);
        snd.all();
        snd.create(&NewSender::new("n"));
        snd.get(id);
        snd.update(id, &SenderUpdate::new().name("m"));
        snd.delete(id);
    }
}

fn expected(prefix: &str, id: u64) -> Vec<String> {
    [
        "POST /projects/123/notifications".to_owned(),
        format!("POST /projects/{id}/notifications"),
        "GET /projects/123/notifications".to_owned(),
        format!("GET /notifications/{id}"),
        format!("DELETE /notifications/{id}/cancel"),
        "GET /projects/123/subscriptions".to_owned(),
        format!("HEAD /projects/{id}/subscriptions"),
        "POST /projects/123/subscriptions".to_owned(),
        format!("GET /projects/{id}/subscriptions/{id}"),
        format!("PATCH /projects/123/subscriptions/{id}"),
        format!("DELETE /projects/{id}/subscriptions/{id}"),
        "GET /projects".to_owned(),
        "POST /projects".to_owned(),
        format!("GET /projects/{id}"),
        format!("PATCH /projects/{id}"),
        format!("DELETE /projects/{id}"),
        "GET /senders".to_owned(),
        "POST /senders".to_owned(),
        format!("GET /senders/{id}"),
        format!("PATCH /senders/{id}"),
        format!("DELETE /senders/{id}"),
    ]
    .into_iter()
    .map(|line| {
        let (m, p) = line.split_once(' ').unwrap();
        format!("{m} {prefix}{p}")
    })
    .collect()
}

#[tokio::test]
async fn every_path_is_exact_under_any_base_url_prefix() {
    for prefix in ["/api/v1", "", "/a/b/api/v1", "/api/v1/"] {
        for id in [0, 1, 42, u64::MAX] {
            let server = MockServer::start().await;
            Mock::given(any()).respond_with(answer).mount(&server).await;
            let c = client_at(format!("{}{prefix}", server.uri()));
            every_call(&c, id).await;
            let seen: Vec<String> = server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .map(|r| format!("{} {}", r.method, r.url.path()))
                .collect();
            let prefix = prefix.trim_end_matches('/');
            assert_eq!(seen, expected(prefix, id), "prefix {prefix:?}, id {id}");
        }
    }
}

/// uids and tags that look like path syntax stay in the query, each exactly one value.
#[tokio::test]
async fn filters_that_look_like_paths_stay_in_the_query() {
    let server = serving("GET", "/api/v1/projects/123/subscriptions", "[]", 1).await;
    let c = client_at(format!("{}/api/v1", server.uri()));
    let q = SubscriptionQuery::new()
        .uids(["../x", "a/b", "%2e%2e", "é", "a&b=c"])
        .tags(["#frag", "x || !y", "a+b"]);
    c.subscriptions().all(&q).await.unwrap();
    let seen = server.received_requests().await.unwrap();
    assert_eq!(
        seen[0].url.query(),
        Some(
            "uids%5B%5D=..%2Fx&uids%5B%5D=a%2Fb&uids%5B%5D=%252e%252e&uids%5B%5D=%C3%A9\
             &uids%5B%5D=a%26b%3Dc&tags%5B%5D=%23frag&tags%5B%5D=x+%7C%7C+%21y&tags%5B%5D=a%2Bb"
        )
    );
}
