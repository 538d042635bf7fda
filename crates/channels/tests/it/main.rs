//! Integration tests for the channels crate.
#![allow(clippy::unwrap_used)]

#[cfg(feature = "sandbox")]
mod sandbox;
