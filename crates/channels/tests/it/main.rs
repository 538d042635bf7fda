//! Integration tests for the channels crate.
#![allow(clippy::unwrap_used, clippy::panic)]

mod bad_inputs;
mod common;
mod config;
mod edges;
mod errors;
#[cfg(feature = "sandbox")]
mod fanout;
mod faults;
mod frameworks;
mod props;
mod secrets;
mod vectors;
mod wire;

#[cfg(feature = "sandbox")]
mod sandbox;
