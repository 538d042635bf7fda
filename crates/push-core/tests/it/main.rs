//! Integration tests for push-core: the transport and its retry loop against local servers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod raw_server;
mod retry_loop;
#[cfg(feature = "sandbox")]
mod sandbox;
mod secrets;
mod transport;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use push_core::{Request, RetryPolicy, Sleeper};

/// A sleeper that records the delays it was asked for and returns at once.
#[derive(Clone, Default)]
pub(crate) struct RecordingSleeper(Arc<Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    pub(crate) fn sleeper(&self) -> Sleeper {
        let log = self.0.clone();
        Sleeper::new(move |delay| {
            log.lock().unwrap().push(delay);
            async {}
        })
    }

    pub(crate) fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A policy with tiny, jitter-free backoffs so tests stay fast and exact.
pub(crate) fn fast_policy(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(4))
        .jitter(0.0)
}

/// A `POST` of the empty JSON object to `path`.
pub(crate) fn post(path: &str) -> Request {
    Request::post(path).json_body("{}")
}
