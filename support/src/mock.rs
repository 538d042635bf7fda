//! wiremock servers set up in one call, for the tests that need one route answered a known
//! number of times (every count is exact: wiremock checks it when the server is dropped), and
//! a responder that measures how many requests were in flight at once.

// A test harness: failing loudly is its job.
#![allow(clippy::panic)]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

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

/// A responder that notes when each request arrived and answers it after `delay` with
/// `answer(n)`, `n` counting requests from 1. Clones share the arrivals.
#[derive(Clone)]
pub struct Timed {
    arrivals: Arc<Mutex<Vec<Instant>>>,
    delay: Duration,
    answer: fn(usize) -> ResponseTemplate,
}

impl std::fmt::Debug for Timed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timed")
            .field("arrivals", &self.arrivals().len())
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl Timed {
    /// Answers with `answer(n)` after `delay`.
    pub fn new(delay: Duration, answer: fn(usize) -> ResponseTemplate) -> Self {
        Self {
            arrivals: Arc::default(),
            delay,
            answer,
        }
    }

    /// When each request arrived, in arrival order.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The most requests that arrived within one `window` of each other. With a window
    /// shorter than the delay, a request in that count had not been answered when the last
    /// of them arrived, so this never exceeds the real number in flight.
    pub fn most_in_flight(&self, window: Duration) -> usize {
        let arrivals = self.arrivals();
        arrivals
            .iter()
            .map(|&start| {
                arrivals
                    .iter()
                    .filter(|&&other| other >= start && other < start + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

impl Respond for Timed {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap_or_else(PoisonError::into_inner);
        arrivals.push(Instant::now());
        (self.answer)(arrivals.len()).set_delay(self.delay)
    }
}
