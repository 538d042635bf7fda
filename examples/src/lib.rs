//! Shared code for the push-rs examples (the programs are in `examples/`): the axum auth
//! endpoint and webhook receiver they serve, so that tests can exercise them too.

pub mod auth;
pub mod http;
pub mod shop;
pub mod webhooks;

/// Whether any of `vars` is set to a non-empty value: the examples use the real service for a
/// provider whose credentials are in the environment, and its local sandbox otherwise.
pub fn configured(vars: &[&str]) -> bool {
    vars.iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}
