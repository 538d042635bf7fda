//! The secret-hygiene suites' common half: printing values every way a caller could, and
//! checking that none of a list of secrets shows up in what was printed or logged.
//!
//! A provider suite drives its own public surface and pushes what it prints with [`show!`](crate::show!);
//! then [`assert_none_leaked`] looks for each secret in all of it, the captured `tracing`
//! text included. [`assert_base_url_secrets_hidden`] is the one check every builder shares: a
//! base URL's user info and query never reach an error or a `Debug`.

// A test harness: failing loudly is its job.
#![allow(clippy::expect_used, clippy::panic)]

use std::fmt::Debug;
use std::time::Duration;

use push_core::{Error, RetryPolicy};

use crate::Capture;

/// Pushes `{:?}` and `{:#?}` (`debug:`), or `{}`, `{:?}` and `{:#?}` (`both:`), of each value
/// onto a `Vec<String>`.
///
/// ```
/// let mut shown = Vec::new();
/// push_test_support::show!(shown, debug: 1, "a");
/// push_test_support::show!(shown, both: 2);
/// assert_eq!(shown, ["1", "1", "\"a\"", "\"a\"", "2", "2", "2"]);
/// ```
#[macro_export]
macro_rules! show {
    ($out:expr, debug: $($v:expr),+ $(,)?) => {{
        $( let v = &$v; $out.push(format!("{v:?}")); $out.push(format!("{v:#?}")); )+
    }};
    ($out:expr, both: $($v:expr),+ $(,)?) => {{
        $( let v = &$v; $out.push(format!("{v}")); $out.push(format!("{v:?}")); $out.push(format!("{v:#?}")); )+
    }};
}

/// A retry policy that retries at once: 1–2 ms backoff, `Retry-After` honoured up to 5 ms.
/// The hygiene suites want the retry log lines, not the waits.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
        .max_retry_after(Duration::from_millis(5))
}

/// Starts capturing this thread's `tracing` ([`crate::capture_this_thread`]) and gives a
/// current-thread runtime to run the client on, so that its events and the HTTP stack's all
/// happen on the captured thread.
pub fn capture_with_runtime() -> (Capture, tokio::runtime::Runtime) {
    let capture = crate::capture_this_thread();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    (capture, rt)
}

/// Checks that the capture saw what a run of a whole client surface must log (request spans,
/// a retry, TRACE events of the HTTP client), then that no secret (a label for the message,
/// and its text) appears in `logs` or in any of `shown`.
///
/// # Panics
/// When the logs lack one of those, or a secret is found.
pub fn assert_none_leaked(logs: String, mut shown: Vec<String>, secrets: &[(&str, String)]) {
    assert!(logs.contains("push_request"), "{logs}");
    assert!(
        logs.contains("retrying after a retryable failure"),
        "{logs}"
    );
    assert!(logs.contains("TRACE"), "{logs}");
    shown.push(logs);
    for text in &shown {
        for (what, secret) in secrets {
            assert!(!text.contains(secret.as_str()), "{what} leaked in:\n{text}");
        }
    }
}

/// Base URLs a builder must refuse, each carrying user info, a query or a fragment.
pub const BASE_URLS_WITH_SECRETS: [&str; 8] = [
    "https://user:pass@host/x?token=abc",
    "https://user:pass@host/x",
    "https://user@host/x",
    "https://host/x?token=abc",
    "https://host/x#token=abc",
    "ftp://user:pass@host/x?token=abc",
    "https://user:pa/ss@host/x?token=abc",
    "https://user:pass@/x?token=abc",
];

/// Each of [`BASE_URLS_WITH_SECRETS`] given to `builder` is refused by `build` with
/// `Error::Config`, and neither the builder's `Debug` (both forms) nor the error's `Display`
/// and `Debug` shows the password, the query or the user info; refusing credentials says so.
///
/// # Panics
/// When a URL builds, fails otherwise, or something of it is shown.
pub fn assert_base_url_secrets_hidden<B: Debug, C: Debug>(
    builder: impl Fn(&str) -> B,
    build: impl Fn(B) -> Result<C, Error>,
) {
    for url in BASE_URLS_WITH_SECRETS {
        let b = builder(url);
        let mut shown = format!("{b:?} {b:#?}");
        let err = build(b).expect_err(url);
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        shown.push_str(&format!("{err} {err:?}"));
        for word in ["pass", "abc", "user:", "user@", "pa/ss"] {
            assert!(!shown.contains(word), "{url}: {word:?} in {shown}");
        }
    }
    let err = build(builder("https://user:pass@host/x")).expect_err("credentials");
    assert!(err.to_string().contains("credentials"), "{err}");
}
