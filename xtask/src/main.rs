//! `cargo xtask`: the maintainers' tasks for the push-rs workspace.
//!
//! - `cargo xtask ci`: every check CI runs, in order, stopping at the first red step; installs
//!   the pinned cargo-hack and cargo-deny first when they are missing.
//! - `cargo xtask tools [STEP]...`: only that install, for every step or the named ones.
//! - `cargo xtask release <version> [--execute]`: preflight, checks, publish (dry run by default).
//! - `cargo xtask bump <version>`: sets the version across the workspace.
//! - `cargo xtask bench [--hot]`: the load benchmark against a local server (see `BENCHMARKS.md`).

// A command-line tool reports on stderr.
#![allow(clippy::print_stderr)]

use std::process::{Command, ExitCode};
use std::time::Instant;

mod bench;
mod ci;
mod json;
mod registry;
mod release;
mod tools;
mod workspace;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::run(&args[1..]),
        Some("release") => release::run(&args[1..]),
        Some("bump") => release::bump(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("tools") => tools::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            usage();
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task {other:?} (try `cargo xtask help`)")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() {
    eprintln!(
        "cargo xtask <task>\n\n\
         tasks:\n  \
         ci [--skip STEP]...          fmt, clippy, tests, docs, feature hygiene, MSRV, cargo-deny\n  \
         tools [STEP]...              install the pinned cargo-hack/cargo-deny those steps need\n  \
         release <version> [--execute]  preflight, ci, cargo publish --workspace (dry run by default)\n  \
         bump <version>               set the workspace version and inter-crate requirements\n  \
         bench [--hot] [OPTIONS]      throughput and large-audience table (--hot: criterion benches)\n"
    );
}

/// One named step: a command line and the environment it needs.
pub(crate) struct Step {
    pub(crate) name: &'static str,
    pub(crate) program: &'static str,
    pub(crate) args: Vec<&'static str>,
    pub(crate) env: Vec<(&'static str, &'static str)>,
}

impl Step {
    pub(crate) fn cargo(name: &'static str, args: &[&'static str]) -> Self {
        Self {
            name,
            program: "cargo",
            args: args.to_vec(),
            env: Vec::new(),
        }
    }

    #[must_use]
    pub(crate) fn env(mut self, key: &'static str, value: &'static str) -> Self {
        self.env.push((key, value));
        self
    }

    /// Runs the step, printing one summary line; `Err` names the step that failed.
    pub(crate) fn run(&self) -> Result<(), String> {
        let started = Instant::now();
        eprintln!(
            "xtask: ---- {} : {} {}",
            self.name,
            self.program,
            self.args.join(" ")
        );
        let status = Command::new(self.program)
            .args(&self.args)
            .envs(self.env.iter().copied())
            .status()
            .map_err(|err| {
                format!(
                    "step `{}` could not start {}: {err}",
                    self.name, self.program
                )
            })?;
        let secs = started.elapsed().as_secs_f64();
        if status.success() {
            println_summary(&format!("ok     {:<10} {secs:>7.1}s", self.name));
            Ok(())
        } else {
            println_summary(&format!("FAILED {:<10} {secs:>7.1}s ({status})", self.name));
            Err(format!("step `{}` failed ({status})", self.name))
        }
    }
}

#[allow(clippy::print_stdout)]
fn println_summary(line: &str) {
    println!("xtask: {line}");
}
