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

/// A Channels client builder for the real app when `PUSHER_URL` or `PUSHER_APP_ID` is set, and
/// for the sandbox's credentials otherwise; the flag says which (`true`: sandbox).
///
/// # Errors
/// A malformed `PUSHER_*` environment.
pub fn channels_builder() -> push_all::Result<(push_all::channels::ClientBuilder, bool)> {
    use push_all::channels::{ClientBuilder, sandbox};
    if configured(&["PUSHER_URL", "PUSHER_APP_ID"]) {
        Ok((ClientBuilder::from_env()?, false))
    } else {
        let builder = ClientBuilder::new(
            sandbox::SANDBOX_APP_ID,
            sandbox::SANDBOX_KEY,
            sandbox::SANDBOX_SECRET,
        );
        Ok((builder, true))
    }
}
