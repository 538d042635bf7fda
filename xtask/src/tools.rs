//! The cargo subcommands some `ci` steps run, pinned, and installed from the registry when
//! they are missing or at another version, so `cargo xtask ci` needs no set-up of its own.
//!
//! `cargo xtask tools [STEP]...` installs what the named steps need (every step's when none is
//! named), for a CI image that wants the tools in place before the checks.

use std::process::Command;

/// A cargo subcommand installed from a crate of the registry.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Tool {
    /// The crate `cargo install` builds.
    pub(crate) krate: &'static str,
    /// The version we pin: newer releases have changed their flags and output before.
    pub(crate) version: &'static str,
    /// What follows `cargo` to run it (`cargo hack`).
    pub(crate) subcommand: &'static str,
    /// The `ci` step that runs it.
    pub(crate) step: &'static str,
}

/// Every pinned tool.
pub(crate) const TOOLS: [Tool; 2] = [
    Tool {
        krate: "cargo-hack",
        version: "0.6.46",
        subcommand: "hack",
        step: "features",
    },
    Tool {
        krate: "cargo-deny",
        version: "0.20.2",
        subcommand: "deny",
        step: "deny",
    },
];

/// The tools the named steps run, in `TOOLS` order, each once.
pub(crate) fn for_steps(steps: &[&str]) -> Vec<&'static Tool> {
    TOOLS.iter().filter(|t| steps.contains(&t.step)).collect()
}

/// Whether `cargo <sub> --version` printed `version` as one of its words (`cargo-hack 0.6.46`;
/// a leading `v` is allowed). `0.6.4` does not match `0.6.46`.
pub(crate) fn reports_version(output: &str, version: &str) -> bool {
    output
        .split_whitespace()
        .any(|word| word.strip_prefix('v').unwrap_or(word) == version)
}

/// What `cargo <sub> --version` prints, or `None` when the subcommand is not installed.
fn installed_version(tool: &Tool) -> Option<String> {
    let out = Command::new("cargo")
        .args([tool.subcommand, "--version"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Installs `tool` at its pinned version unless that version is already installed; says so in
/// one line when it installs.
pub(crate) fn ensure(tool: &Tool) -> Result<(), String> {
    if installed_version(tool).is_some_and(|out| reports_version(&out, tool.version)) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing {} {} (needed by the {} step)",
        tool.krate, tool.version, tool.step
    );
    let spec = format!("{}@{}", tool.krate, tool.version);
    let status = Command::new("cargo")
        .args(["install", "--locked", "--quiet", &spec])
        .status()
        .map_err(|e| format!("could not start `cargo install {spec}`: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo install --locked {spec}` failed ({status})"));
    }
    match installed_version(tool) {
        Some(out) if reports_version(&out, tool.version) => Ok(()),
        // Cargo looks for subcommands in $CARGO_HOME/bin and on PATH; an `install.root`
        // elsewhere, or an older copy earlier on PATH, would hide the one just built.
        found => Err(format!(
            "installed {spec}, but `cargo {} --version` reports {}; check install.root and PATH",
            tool.subcommand,
            found.map_or_else(|| "nothing".to_owned(), |s| format!("{:?}", s.trim())),
        )),
    }
}

/// `cargo xtask tools [STEP]...`: installs what those steps need, or every pinned tool.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let tools: Vec<&Tool> = if args.is_empty() {
        TOOLS.iter().collect()
    } else {
        let steps: Vec<&str> = args.iter().map(String::as_str).collect();
        if let Some(unknown) = steps.iter().find(|s| !crate::ci::is_step(s)) {
            return Err(format!("tools {unknown}: there is no such step"));
        }
        for_steps(&steps)
    };
    for tool in &tools {
        ensure(tool)?;
    }
    for tool in &tools {
        crate::println_summary(&format!(
            "ok     {} {} for the {} step",
            tool.krate, tool.version, tool.step
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_output_matches_only_the_pin() {
        assert!(reports_version("cargo-hack 0.6.46\n", "0.6.46"));
        assert!(reports_version("cargo-deny 0.20.2", "0.20.2"));
        assert!(reports_version("cargo-hack v0.6.46", "0.6.46"));
        assert!(!reports_version("cargo-hack 0.6.45\n", "0.6.46"));
        assert!(!reports_version("cargo-hack 0.6.460", "0.6.46"));
        assert!(!reports_version("cargo-hack 0.6.4", "0.6.46"));
        assert!(!reports_version("", "0.6.46"));
        assert!(!reports_version("cargo-deny 0.20.2-rc.1", "0.20.2"));
    }

    #[test]
    fn each_step_needs_only_its_own_tools() {
        let names =
            |steps: &[&str]| -> Vec<&str> { for_steps(steps).iter().map(|t| t.krate).collect() };
        assert_eq!(names(&["features"]), ["cargo-hack"]);
        assert_eq!(names(&["deny"]), ["cargo-deny"]);
        assert_eq!(names(&["fmt", "clippy", "test", "doc"]), Vec::<&str>::new());
        assert_eq!(names(&["deny", "features"]), ["cargo-hack", "cargo-deny"]);
    }

    #[test]
    fn every_tool_belongs_to_a_step_that_runs_it() {
        for tool in &TOOLS {
            assert!(crate::ci::is_step(tool.step), "{}", tool.step);
            assert_eq!(
                crate::ci::subcommand_of(tool.step),
                Some(tool.subcommand),
                "the {} step does not run `cargo {}`",
                tool.step,
                tool.subcommand
            );
        }
    }

    #[test]
    fn unknown_step_is_refused_before_installing() {
        let err = run(&["nope".into()]).unwrap_err();
        assert!(err.contains("no such step"), "{err}");
    }
}
