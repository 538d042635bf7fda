//! The npm peers, soketi and pusher-js, installed from `e2e/node/package.json` (and its lock
//! file) into `e2e/node/node_modules` before anything runs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use crate::process::run_bounded;

/// `npm install` took about 30 s here; allow a slow registry.
const INSTALL_LIMIT: Duration = Duration::from_secs(300);

/// `e2e/node`: package.json, package-lock.json, client.js and, once installed, node_modules.
pub(crate) fn node_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node")
}

/// soketi's command-line entry point.
pub(crate) fn soketi_entry(dir: &Path) -> PathBuf {
    dir.join("node_modules/@soketi/soketi/bin/server.js")
}

/// The pusher-js driver.
pub(crate) fn client_script(dir: &Path) -> PathBuf {
    dir.join("client.js")
}

fn installed(dir: &Path) -> bool {
    soketi_entry(dir).is_file()
        && dir.join("node_modules/pusher-js/package.json").is_file()
        // The override installs @trufflesuite/uws-js-unofficial under uWebSockets.js's name.
        && dir.join("node_modules/uWebSockets.js/package.json").is_file()
}

fn tool_version(tool: &str) -> Result<String, String> {
    let finished = run_bounded(
        Command::new(tool).arg("--version"),
        Duration::from_secs(30),
        |_| {},
    )
    .map_err(|e| format!("`{tool}` is needed by the end-to-end suite: {e}"))?;
    if !finished.status.success() {
        return Err(format!(
            "`{tool} --version` failed ({}): {}",
            finished.status, finished.stderr
        ));
    }
    Ok(finished.stdout.trim().to_owned())
}

/// Makes sure node is present and the peers are installed, running `npm install` (bounded)
/// when `node_modules` is missing. Done once per process.
pub(crate) fn ensure_installed() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| install(&node_dir())).clone()
}

fn install(dir: &Path) -> Result<(), String> {
    let node = tool_version("node")?;
    if installed(dir) {
        return Ok(());
    }
    let npm = tool_version("npm")?;
    crate::say(&format!(
        "e2e: installing soketi and pusher-js into {} (node {node}, npm {npm}) ...",
        dir.display()
    ));
    // `npm ci` refuses soketi's lock file under npm 11; `npm install` keeps the locked versions.
    let finished = run_bounded(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-progress"])
            .current_dir(dir),
        INSTALL_LIMIT,
        |_| {},
    )
    .map_err(|e| format!("npm install in {} failed: {e}", dir.display()))?;
    if !finished.status.success() || !installed(dir) {
        return Err(format!(
            "npm install in {} failed ({}); is the npm registry reachable?\n{}{}",
            dir.display(),
            finished.status,
            finished.stdout,
            finished.stderr
        ));
    }
    Ok(())
}
