//! Integration tests for the pushpad crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

/// Awaits each call in turn and unwraps its result: `await_ok! { c.projects().all(); }`.
macro_rules! await_ok {
    ($($call:expr;)*) => {
        $( $call.await.unwrap(); )*
    };
}

mod answers;
mod common;
mod concurrency;
mod faults;
mod invalid;
mod long_queries;
mod paths;
mod props;
mod routes;
#[cfg(feature = "sandbox")]
mod sandbox;
mod secrets;
mod signature;
mod vectors;
mod wire;
