//! Integration tests for the channels crate.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod vectors;
mod wire;

#[cfg(feature = "sandbox")]
mod sandbox;
