//! Integration tests for the beams crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod chunked;
mod concurrency;
mod errors;
mod faults;
mod invalid;
mod paths;
mod props;
mod routes;
#[cfg(feature = "sandbox")]
mod sandbox;
mod secrets;
mod token;
mod vectors;
mod webhook;
mod wire;

use push_beams::{Client, Clock, RetryPolicy};
use serde_json::Value;

pub(crate) const INSTANCE: &str = "8f9a6e22-2483-49aa-8552-125f1a4c5781";
pub(crate) const KEY: &str = "C54D42FB7CD2D408DDB22D7A0166F1D2";

pub(crate) fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub(crate) fn case(file: &str, name: &str) -> Value {
    load(file)
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == name)
        .unwrap_or_else(|| panic!("no case {name} in {file}"))
        .clone()
}

pub(crate) fn client(uri: &str) -> Client {
    Client::builder(INSTANCE, KEY)
        .base_url(uri)
        .retry_policy(RetryPolicy::none())
        .clock(Clock::fixed(1_700_000_000))
        .build()
        .unwrap()
}

pub(crate) fn library_header() -> String {
    format!(
        "pusher-push-notifications-rust {}",
        env!("CARGO_PKG_VERSION")
    )
}
