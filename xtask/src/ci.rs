//! `cargo xtask ci`: the single command CI and maintainers run.

use crate::Step;

/// The steps, in the order they run. Cheap checks first so a red tree fails fast.
fn steps() -> Vec<Step> {
    vec![
        Step::cargo("fmt", &["fmt", "--all", "--", "--check"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo(
            "test",
            &[
                "test",
                "--workspace",
                "--all-features",
                "--locked",
                "--no-fail-fast",
            ],
        ),
        Step::cargo(
            "doc",
            &[
                "doc",
                "--workspace",
                "--no-deps",
                "--all-features",
                "--locked",
            ],
        )
        .env("RUSTDOCFLAGS", "-Dwarnings"),
        // Every crate builds with each of its features alone and with none.
        Step::cargo(
            "features",
            &[
                "hack",
                "check",
                "--workspace",
                "--each-feature",
                "--no-dev-deps",
                "--exclude",
                "xtask",
                "--exclude",
                "push-examples",
            ],
        )
        .env("RUSTFLAGS", "-Dwarnings"),
        Step::cargo("deny", &["deny", "check", "bans", "licenses", "sources"]),
    ]
}

/// What the quickstart must print when it runs against the sandboxes.
const QUICKSTART_EXPECTS: [&str; 4] = [
    "channels: sandbox accepted event",
    "beams: sandbox accepted publish",
    "pushpad: sandbox accepted notification",
    "quickstart: done",
];

/// Credentials the quickstart would use instead of the sandboxes: removed for the check.
const CREDENTIAL_VARS: [&str; 9] = [
    "PUSHER_URL",
    "PUSHER_APP_ID",
    "PUSHER_KEY",
    "PUSHER_SECRET",
    "PUSHER_CLUSTER",
    "BEAMS_INSTANCE_ID",
    "BEAMS_SECRET_KEY",
    "PUSHPAD_AUTH_TOKEN",
    "PUSHPAD_PROJECT_ID",
];

/// Runs the README's quickstart without credentials and checks what it printed.
fn quickstart() -> Result<(), String> {
    let started = std::time::Instant::now();
    let mut command = std::process::Command::new("cargo");
    command.args([
        "run",
        "--quiet",
        "--locked",
        "-p",
        "push-examples",
        "--example",
        "quickstart",
    ]);
    for var in CREDENTIAL_VARS {
        command.env_remove(var);
    }
    let out = command
        .output()
        .map_err(|e| format!("step `quickstart` could not start cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprint!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let missing: Vec<&str> = QUICKSTART_EXPECTS
        .iter()
        .copied()
        .filter(|line| !stdout.contains(line))
        .collect();
    let secs = started.elapsed().as_secs_f64();
    if out.status.success() && missing.is_empty() {
        crate::println_summary(&format!("ok     {:<10} {secs:>7.1}s", "quickstart"));
        Ok(())
    } else {
        crate::println_summary(&format!("FAILED {:<10} {secs:>7.1}s", "quickstart"));
        Err(format!(
            "step `quickstart` failed ({}); missing output: {missing:?}",
            out.status
        ))
    }
}

/// Builds the library crates with the toolchain named by `rust-version` when it is installed.
/// Where it is not (no toolchain beyond the machine's own can be fetched here), clippy's
/// `incompatible_msrv` lint, which reads `rust-version`, has already checked our API use.
fn msrv() -> Result<(), String> {
    let manifest =
        std::fs::read_to_string("Cargo.toml").map_err(|e| format!("reading Cargo.toml: {e}"))?;
    let msrv = manifest
        .lines()
        .find_map(|line| crate::release::quoted_after(line.trim(), "rust-version"))
        .ok_or("no rust-version in Cargo.toml")?;
    let installed = std::process::Command::new("rustup")
        .args(["run", &msrv, "cargo", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !installed {
        crate::println_summary(&format!(
            "note   msrv       toolchain {msrv} is not installed; clippy's incompatible_msrv covered it"
        ));
        return Ok(());
    }
    let status = std::process::Command::new("rustup")
        .args([
            "run",
            &msrv,
            "cargo",
            "check",
            "--workspace",
            "--all-features",
            "--locked",
        ])
        .args(["--exclude", "xtask", "--exclude", "push-examples"])
        .status()
        .map_err(|e| format!("rustup run {msrv}: {e}"))?;
    if status.success() {
        crate::println_summary(&format!("ok     msrv       built with {msrv}"));
        Ok(())
    } else {
        crate::println_summary(&format!("FAILED msrv       ({status})"));
        Err(format!("step `msrv` failed with {msrv} ({status})"))
    }
}

/// The steps that are not a plain command line, in the order they run after the others.
const OWN_STEPS: [&str; 2] = ["quickstart", "msrv"];

/// Whether `ci` has a step of that name.
pub(crate) fn is_step(name: &str) -> bool {
    OWN_STEPS.contains(&name) || steps().iter().any(|s| s.name == name)
}

/// The cargo subcommand a step runs (`hack` for `features`), for the tools' self-check.
#[cfg(test)]
pub(crate) fn subcommand_of(name: &str) -> Option<&'static str> {
    steps()
        .into_iter()
        .find(|s| s.name == name && s.program == "cargo")
        .and_then(|s| s.args.first().copied())
}

/// Runs every step, or all but those named with `--skip`. A step that runs a pinned tool
/// installs it first when it is missing (`tools`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut skip = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--skip" => skip.push(iter.next().ok_or("--skip needs a step name")?.clone()),
            other => return Err(format!("unknown argument {other:?} for `ci`")),
        }
    }
    for name in &skip {
        if !is_step(name) {
            return Err(format!("--skip {name}: there is no such step"));
        }
    }
    for step in steps().iter().filter(|s| !skip.iter().any(|n| n == s.name)) {
        for tool in crate::tools::for_steps(&[step.name]) {
            crate::tools::ensure(tool)?;
        }
        step.run()?;
    }
    if !skip.iter().any(|n| n == "quickstart") {
        quickstart()?;
    }
    if !skip.iter().any(|n| n == "msrv") {
        msrv()?;
    }
    crate::println_summary("all steps passed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_are_unique_and_ordered() {
        let names: Vec<_> = steps().iter().map(|s| s.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(names.first(), Some(&"fmt"));
    }

    #[test]
    fn unknown_skip_is_refused() {
        let err = run(&["--skip".into(), "nope".into()]).unwrap_err();
        assert!(err.contains("no such step"), "{err}");
        assert!(run(&["--skip".into()]).is_err());
        assert!(run(&["--bogus".into()]).is_err());
    }
}
