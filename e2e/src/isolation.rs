//! Where the suite runs: a loopback-only network namespace when the kernel allows it (the test
//! binary re-executes itself under `unshare -n`, or `unshare -r -n` for a user without
//! CAP_SYS_ADMIN), else this process with soketi pinned to
//! loopback by its configuration alone.

use std::process::Command;
use std::time::Duration;

use crate::process::run_bounded;
use crate::suite::{self, Scenario};

/// Set to `1` to skip the suite (with a printed notice) when node, npm or the registry are
/// unavailable; without it such a machine fails the test.
pub const SKIP_ENV: &str = "PUSH_E2E_SKIP";

/// Marks the re-executed test binary running inside the namespace.
const INNER_ENV: &str = "PUSH_E2E_NETNS";

/// The whole re-executed run, soketi starts included.
const INNER_LIMIT: Duration = Duration::from_secs(170);

/// How the suite is isolated from the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isolation {
    /// Inside `unshare [-r] -n`: only `lo` exists.
    Namespace,
    /// No network namespace is allowed here; soketi's configuration pins it to 127.0.0.1.
    PinnedConfig,
}

/// Runs `scenarios` for the test function `test_name` (its exact name in the test binary).
///
/// Outside the namespace: installs the npm peers (they cannot be fetched from inside), then
/// re-runs exactly this test inside `unshare [-r] -n` with loopback up, forwarding its `e2e:`
/// lines; where no namespace is allowed, runs the scenarios here instead. Inside: runs them.
///
/// # Errors
/// A description of every failed case, or of the failed setup.
pub fn run_test(test_name: &str, scenarios: &[Scenario]) -> Result<(), String> {
    if std::env::var_os(INNER_ENV).is_some() {
        let interfaces = interfaces();
        if interfaces != ["lo"] {
            return Err(format!(
                "{INNER_ENV} is set but this network namespace has interfaces {interfaces:?}, not only lo"
            ));
        }
        crate::say(&format!(
            "e2e: isolation: loopback-only network namespace ({}; interfaces: {})",
            std::env::var(INNER_ENV).unwrap_or_default(),
            interfaces.join(", ")
        ));
        return suite::run_all(scenarios, Isolation::Namespace);
    }
    if let Err(why) = crate::peers::ensure_installed() {
        if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
            crate::say(&format!("e2e: SKIPPED ({SKIP_ENV}=1): {why}"));
            return Ok(());
        }
        return Err(format!(
            "the end-to-end suite cannot run: {why}\n\
             (it needs node and npm with access to the npm registry; set {SKIP_ENV}=1 to skip it)"
        ));
    }
    match namespace_flags() {
        Ok(flags) => run_inside_namespace(test_name, flags),
        Err(why) => {
            crate::say(&format!(
                "e2e: isolation: no network namespace ({why}); soketi pinned to 127.0.0.1 by its config only"
            ));
            suite::run_all(scenarios, Isolation::PinnedConfig)
        }
    }
}

/// The network interfaces this process sees (`/proc/self/net/dev` follows the namespace).
fn interfaces() -> Vec<String> {
    let text = std::fs::read_to_string("/proc/self/net/dev").unwrap_or_default();
    text.lines()
        .skip(2)
        .filter_map(|line| line.split(':').next())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The `unshare` flags that give this user a network namespace with loopback up: `-n` as
/// root, `-r -n` (in a user namespace) where unprivileged user namespaces are allowed; or why
/// neither works here.
fn namespace_flags() -> Result<&'static [&'static str], String> {
    let mut refusals = Vec::new();
    for flags in [&["-n"][..], &["-r", "-n"][..]] {
        let probe = run_bounded(
            Command::new("unshare")
                .args(flags)
                .args(["bash", "-c", "ip link set lo up"]),
            Duration::from_secs(10),
            |_| {},
        );
        match probe {
            Ok(done) if done.status.success() => return Ok(flags),
            Ok(done) => refusals.push(format!(
                "unshare {}: {}: {}",
                flags.join(" "),
                done.status,
                done.stderr.trim()
            )),
            Err(e) => refusals.push(format!("unshare {}: {e}", flags.join(" "))),
        }
    }
    Err(refusals.join("; "))
}

fn run_inside_namespace(test_name: &str, flags: &[&str]) -> Result<(), String> {
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find the test binary to re-run it: {e}"))?;
    let finished = run_bounded(
        Command::new("unshare")
            .args(flags)
            .args(["bash", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
            .arg(exe)
            .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
            .env(INNER_ENV, format!("unshare {}", flags.join(" ")))
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("no_proxy", "127.0.0.1,localhost"),
        INNER_LIMIT,
        |line| {
            // libtest's "test NAME ... " may precede the first line on the same line.
            if let Some(start) = line.find("e2e") {
                crate::say(&line[start..]);
            }
        },
    )?;
    let ran = finished.stdout.contains("test result: ok. 1 passed");
    if finished.status.success() && ran {
        Ok(())
    } else {
        Err(format!(
            "the suite failed inside the network namespace ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            finished.status, finished.stdout, finished.stderr
        ))
    }
}
