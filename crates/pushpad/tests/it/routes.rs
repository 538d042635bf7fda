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
    /// A `POST` or `PATCH` carries a JSON body; the other methods none.
    fn new(verb: &str, route: &str) -> Self {
        let has_body = matches!(verb, "POST" | "PATCH");
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

/// One function per route, named for the call: its ids (`u64`), method and path under
/// `/api/v1`.
macro_rules! routes {
    ($($name:ident($($id:ident),*) => $verb:literal $path:literal;)*) => {$(
        pub(crate) fn $name($($id: u64),*) -> Route {
            Route::new($verb, &format!($path))
        }
    )*};
}

routes! {
    create_notification(project) => "POST" "/projects/{project}/notifications";
    list_notifications(project) => "GET" "/projects/{project}/notifications";
    get_notification(id) => "GET" "/notifications/{id}";
    cancel_notification(id) => "DELETE" "/notifications/{id}/cancel";
    list_subscriptions(project) => "GET" "/projects/{project}/subscriptions";
    count_subscriptions(project) => "HEAD" "/projects/{project}/subscriptions";
    create_subscription(project) => "POST" "/projects/{project}/subscriptions";
    get_subscription(project, id) => "GET" "/projects/{project}/subscriptions/{id}";
    update_subscription(project, id) => "PATCH" "/projects/{project}/subscriptions/{id}";
    delete_subscription(project, id) => "DELETE" "/projects/{project}/subscriptions/{id}";
    list_projects() => "GET" "/projects";
    create_project() => "POST" "/projects";
    get_project(id) => "GET" "/projects/{id}";
    update_project(id) => "PATCH" "/projects/{id}";
    delete_project(id) => "DELETE" "/projects/{id}";
    list_senders() => "GET" "/senders";
    create_sender() => "POST" "/senders";
    get_sender(id) => "GET" "/senders/{id}";
    update_sender(id) => "PATCH" "/senders/{id}";
    delete_sender(id) => "DELETE" "/senders/{id}";
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

/// A mock server with `mocks` mounted, and the [`catch_all`] after them.
pub(crate) async fn serve(mocks: impl IntoIterator<Item = Mock>) -> MockServer {
    let server = MockServer::start().await;
    for mock in mocks {
        mock.mount(&server).await;
    }
    catch_all(&server).await;
    server
}

/// A JSON answer.
pub(crate) fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}
