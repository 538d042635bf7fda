//! The end-to-end suite: `channels` against soketi and pusher-js (see `e2e/README.md`).

use push_e2e::{Scenario, run_test};

/// Every case passes with the right credentials.
#[test]
fn soketi_and_pusher_js() {
    if let Err(failure) = run_test("soketi_and_pusher_js", &[Scenario::Correct]) {
        panic!("{failure}");
    }
}

/// The suite can fail: a wrong secret fails every case, a wrong encryption key exactly the
/// encrypted-channel case.
#[test]
fn wrong_secret_or_encryption_key_fails_the_relevant_cases() {
    let scenarios = [Scenario::WrongSecret, Scenario::WrongEncryptionKey];
    if let Err(failure) = run_test(
        "wrong_secret_or_encryption_key_fails_the_relevant_cases",
        &scenarios,
    ) {
        panic!("{failure}");
    }
}
