//! The property suites' common frame: a runner, and a client pointed at a local server that
//! counts requests, so a property can state that a refused input sent nothing and an accepted
//! one sent exactly one request.

// A test harness: failing loudly is its job.
#![allow(clippy::expect_used)]

use std::collections::HashSet;
use std::future::Future;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use push_core::Error;
use tokio::runtime::Runtime;

use crate::fault_server::{Act, Seen};
use crate::faults::Server;

/// Cases per property.
pub const CASES: u32 = 256;

/// A runner of [`CASES`] cases that keeps no failure file.
pub fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A runtime, a local server answering with `respond`, and a client pointed at it.
#[derive(Debug)]
pub struct Env<C> {
    /// Runs the calls.
    pub rt: Runtime,
    /// Counts and records what reached it.
    pub server: Server,
    /// The client under test.
    pub client: C,
}

impl<C> Env<C> {
    /// Starts the server on a one-worker runtime and builds the client from its URL.
    ///
    /// # Panics
    /// When the runtime or the server cannot be started.
    pub fn new(
        respond: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static,
        client: impl FnOnce(&str) -> C,
    ) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let server = rt.block_on(Server::start(respond));
        let client = client(&server.uri());
        Self { rt, server, client }
    }

    /// Runs `call` and checks it against `refused` (the fields the rules refuse, empty if the
    /// input is valid): success with one request sent, or `InvalidInput` naming one of those
    /// fields with nothing sent. Gives the request the server saw, if one was sent.
    ///
    /// # Errors
    /// A failed case when the outcome or the requests sent are not as stated.
    pub fn check<T>(
        &self,
        refused: &HashSet<String>,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<Option<Seen>, TestCaseError> {
        let before = self.server.requests();
        let result = self.rt.block_on(call);
        let sent = self.server.requests() - before;
        match result {
            Ok(_) => {
                prop_assert!(
                    refused.is_empty(),
                    "accepted, but {refused:?} should be refused"
                );
                prop_assert_eq!(sent, 1);
                Ok(self.server.seen().pop())
            }
            Err(Error::InvalidInput { field, reason }) => {
                prop_assert!(
                    refused.contains(field.as_ref()),
                    "refused {field} ({reason}), expected one of {refused:?}"
                );
                prop_assert_eq!(sent, 0, "a refused input was sent");
                Ok(None)
            }
            Err(other) => Err(TestCaseError::fail(format!("unexpected error {other:?}"))),
        }
    }
}

/// `field` alone when `refuse` holds, else nothing: what [`Env::check`] takes for an input
/// with a single rule.
pub fn refused_if(refuse: bool, field: &str) -> HashSet<String> {
    if refuse {
        HashSet::from([field.to_owned()])
    } else {
        HashSet::new()
    }
}
