//! End-to-end tests of the `channels` crate against a real Pusher-protocol server (soketi) and
//! the official JavaScript client (pusher-js in Node).
//!
//! The harness, test-only: it installs the npm peers into `e2e/node`, enters a loopback-only
//! network namespace, starts soketi, an auth/webhook endpoint written with `channels`, and
//! pusher-js connections, runs the cases and prints one line per case. See `e2e/README.md`.

mod driver;
mod endpoint;
mod isolation;
mod peers;
mod process;
mod soketi;
mod suite;

pub use isolation::{SKIP_ENV, run_test};
pub use suite::Scenario;

use std::io::Write as _;

/// Writes one line of the suite's report straight to the process's standard output, past the
/// test harness's capture, so every case shows up as it finishes.
pub(crate) fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
