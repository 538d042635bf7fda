//! wiremock servers set up in one call, for the tests that need one route answered a known
//! number of times. Every count is exact: wiremock checks it when the server is dropped.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A mock server answering `verb` requests (any path) with `answers` in order: `(answer, n)`
/// takes the next `n` requests and must see exactly that many; the last answer is not bounded,
/// so a request beyond its count still gets it, and fails the count.
///
/// # Panics
/// When `answers` is empty or longer than 255.
pub async fn answering(verb: &str, answers: Vec<(ResponseTemplate, u64)>) -> MockServer {
    let server = MockServer::start().await;
    let last = answers
        .len()
        .checked_sub(1)
        .unwrap_or_else(|| panic!("answering {verb} needs at least one answer"));
    for (i, (answer, n)) in answers.into_iter().enumerate() {
        let priority = u8::try_from(i + 1).unwrap_or_else(|_| panic!("too many answers"));
        let mock = Mock::given(method(verb))
            .respond_with(answer)
            .with_priority(priority)
            .expect(n);
        let mock = if i < last {
            mock.up_to_n_times(n)
        } else {
            mock
        };
        mock.mount(&server).await;
    }
    server
}

/// A mock server on which `verb` to exactly `route` answers 200 with `body`, and must be
/// called exactly `n` times; anything else gets wiremock's 404.
pub async fn serving(verb: &str, route: &str, body: &str, n: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(n)
        .mount(&server)
        .await;
    server
}
