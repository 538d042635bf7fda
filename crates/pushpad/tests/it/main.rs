//! Integration tests for the pushpad crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

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
