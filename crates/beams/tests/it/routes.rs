//! One wiremock helper per Beams route, octocrab-style: each mounts a mock that matches the
//! method, the exact path, the headers every call must carry and the body, expecting a given
//! number of calls; [`unexpected`], mounted last, answers anything else with a 500 and fails
//! the test when the server is dropped.

use wiremock::matchers::{any, body_bytes, header, method, path};
use wiremock::{Match, Mock, MockBuilder, MockServer, Respond, ResponseTemplate};

use crate::{INSTANCE, KEY, library_header};

/// Who a publish goes to: the last segment of its path.
#[derive(Clone, Copy, Debug)]
pub(crate) enum To {
    Interests,
    Users,
}

impl To {
    fn segment(self) -> &'static str {
        match self {
            Self::Interests => "interests",
            Self::Users => "users",
        }
    }
}

/// The publish path for `to` under the base URL's path `prefix` (`""` for none).
pub(crate) fn publish_path(prefix: &str, to: To) -> String {
    format!(
        "{prefix}/publish_api/v1/instances/{INSTANCE}/publishes/{}",
        to.segment()
    )
}

/// The headers every Beams call carries.
fn authenticated(mock: MockBuilder) -> MockBuilder {
    mock.and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("accept", "application/json"))
        .and(header("x-pusher-library", library_header().as_str()))
}

/// `POST {prefix}/publish_api/v1/instances/{INSTANCE}/publishes/{to}` with a JSON body that
/// `body` accepts, answered by `answer`, expected `times` times.
pub(crate) async fn publish_under(
    server: &MockServer,
    prefix: &str,
    to: To,
    body: impl Match + 'static,
    answer: impl Respond + 'static,
    times: u64,
) {
    authenticated(Mock::given(method("POST")).and(path(publish_path(prefix, to))))
        .and(header("content-type", "application/json"))
        .and(body)
        .respond_with(answer)
        .expect(times)
        .named(format!("publish to {}", to.segment()))
        .mount(server)
        .await;
}

/// [`publish_under`] without a path prefix.
pub(crate) async fn publish(
    server: &MockServer,
    to: To,
    body: impl Match + 'static,
    answer: impl Respond + 'static,
    times: u64,
) {
    publish_under(server, "", to, body, answer, times).await;
}

/// A server expecting exactly one [`publish`] to `to` whose body `body` accepts, answered by
/// `answer`; anything else is [`unexpected`].
pub(crate) async fn one_publish(
    to: To,
    body: impl Match + 'static,
    answer: impl Respond + 'static,
) -> MockServer {
    let server = MockServer::start().await;
    publish(&server, to, body, answer, 1).await;
    unexpected(&server).await;
    server
}

/// `DELETE {prefix}/customer_api/v1/instances/{INSTANCE}/users/{encoded_user_id}` with no
/// body, answered by `answer`, expected `times` times.
pub(crate) async fn delete_user_under(
    server: &MockServer,
    prefix: &str,
    encoded_user_id: &str,
    answer: impl Respond + 'static,
    times: u64,
) {
    let route = format!("{prefix}/customer_api/v1/instances/{INSTANCE}/users/{encoded_user_id}");
    authenticated(Mock::given(method("DELETE")).and(path(route)))
        .and(body_bytes(Vec::new()))
        .respond_with(answer)
        .expect(times)
        .named(format!("delete user {encoded_user_id}"))
        .mount(server)
        .await;
}

/// [`delete_user_under`] without a path prefix.
pub(crate) async fn delete_user(
    server: &MockServer,
    encoded_user_id: &str,
    answer: impl Respond + 'static,
    times: u64,
) {
    delete_user_under(server, "", encoded_user_id, answer, times).await;
}

/// The catch-all: any request no route matched gets a 500 saying so, and the test fails when
/// `server` is dropped. Mount it after the routes (its lowest priority makes every route win
/// anyway).
pub(crate) async fn unexpected(server: &MockServer) {
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500).set_body_string("unexpected request: no route matched"),
        )
        .with_priority(u8::MAX)
        .expect(0)
        .named("unexpected request")
        .mount(server)
        .await;
}

/// A 200 with Beams' publish answer.
pub(crate) fn published(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(format!(r#"{{"publishId":"{id}"}}"#))
}
