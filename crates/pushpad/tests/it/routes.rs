//! One helper per API route for the wiremock suites (octocrab's way): each matches the route's
//! method and exact path under `/api/v1`, the headers every Pushpad request carries, an exact
//! query (none unless given), and `Content-Type: application/json` with a body or no body at
//! all. A test adds the body it expects, answers, and says how many calls it expects; then it
//! mounts [`catch_all`], which answers any other request 500 "unexpected request" and fails the
//! test when the server is dropped.

use serde_json::Value;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

use super::common::TOKEN;

/// A route's matchers, before the answer.
pub(crate) struct Route {
    mock: MockBuilder,
    query: Option<String>,
    has_body: bool,
}

impl Route {
    fn new(verb: &str, route: &str, has_body: bool) -> Self {
        let mock = Mock::given(method(verb))
            .and(path(format!("/api/v1{route}")))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("accept", "application/json"));
        Self {
            mock,
            query: None,
            has_body,
        }
    }

    /// The exact query string (without `?`).
    pub(crate) fn query(mut self, query: &str) -> Self {
        self.query = Some(query.to_owned());
        self
    }

    /// The exact JSON body.
    pub(crate) fn body(mut self, body: Value) -> Self {
        self.mock = self.mock.and(body_json(body));
        self
    }

    /// The mock answering `template`; add `.expect(n)` and mount it.
    pub(crate) fn respond(self, template: ResponseTemplate) -> Mock {
        let Self {
            mock,
            query,
            has_body,
        } = self;
        mock.and(move |req: &Request| req.url.query() == query.as_deref())
            .and(move |req: &Request| {
                let json = req
                    .headers
                    .get("content-type")
                    .is_some_and(|v| v == "application/json");
                if has_body {
                    json
                } else {
                    req.body.is_empty() && !req.headers.contains_key("content-type")
                }
            })
            .respond_with(template)
    }
}

pub(crate) fn create_notification(project: u64) -> Route {
    Route::new("POST", &format!("/projects/{project}/notifications"), true)
}
pub(crate) fn list_notifications(project: u64) -> Route {
    Route::new("GET", &format!("/projects/{project}/notifications"), false)
}
pub(crate) fn get_notification(id: u64) -> Route {
    Route::new("GET", &format!("/notifications/{id}"), false)
}
pub(crate) fn cancel_notification(id: u64) -> Route {
    Route::new("DELETE", &format!("/notifications/{id}/cancel"), false)
}
pub(crate) fn list_subscriptions(project: u64) -> Route {
    Route::new("GET", &format!("/projects/{project}/subscriptions"), false)
}
pub(crate) fn count_subscriptions(project: u64) -> Route {
    Route::new("HEAD", &format!("/projects/{project}/subscriptions"), false)
}
pub(crate) fn create_subscription(project: u64) -> Route {
    Route::new("POST", &format!("/projects/{project}/subscriptions"), true)
}
pub(crate) fn get_subscription(project: u64, id: u64) -> Route {
    Route::new(
        "GET",
        &format!("/projects/{project}/subscriptions/{id}"),
        false,
    )
}
pub(crate) fn update_subscription(project: u64, id: u64) -> Route {
    Route::new(
        "PATCH",
        &format!("/projects/{project}/subscriptions/{id}"),
        true,
    )
}
pub(crate) fn delete_subscription(project: u64, id: u64) -> Route {
    Route::new(
        "DELETE",
        &format!("/projects/{project}/subscriptions/{id}"),
        false,
    )
}
pub(crate) fn list_projects() -> Route {
    Route::new("GET", "/projects", false)
}
pub(crate) fn create_project() -> Route {
    Route::new("POST", "/projects", true)
}
pub(crate) fn get_project(id: u64) -> Route {
    Route::new("GET", &format!("/projects/{id}"), false)
}
pub(crate) fn update_project(id: u64) -> Route {
    Route::new("PATCH", &format!("/projects/{id}"), true)
}
pub(crate) fn delete_project(id: u64) -> Route {
    Route::new("DELETE", &format!("/projects/{id}"), false)
}
pub(crate) fn list_senders() -> Route {
    Route::new("GET", "/senders", false)
}
pub(crate) fn create_sender() -> Route {
    Route::new("POST", "/senders", true)
}
pub(crate) fn get_sender(id: u64) -> Route {
    Route::new("GET", &format!("/senders/{id}"), false)
}
pub(crate) fn update_sender(id: u64) -> Route {
    Route::new("PATCH", &format!("/senders/{id}"), true)
}
pub(crate) fn delete_sender(id: u64) -> Route {
    Route::new("DELETE", &format!("/senders/{id}"), false)
}

/// Mounted last: any request no route matched is answered 500 "unexpected request", and the
/// server's drop fails the test.
pub(crate) async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .named("a request no route expects")
        .expect(0)
        .mount(server)
        .await;
}

/// A JSON answer.
pub(crate) fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}
