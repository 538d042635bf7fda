//! `cargo xtask bench [--hot] [push-bench run options]`: the throughput table and the
//! million-user Beams publish (`push-bench run`, release build), and with `--hot` the criterion
//! benches of the hot paths first. `BENCHMARKS.md` explains the method and the figures.

use std::process::Command;

/// Runs the benchmarks; every argument but `--hot` goes to `push-bench run` unchanged
/// (`--requests N`, `--concurrency C`, `--rounds R`, `--only NAME`, `--users N`,
/// `--chunk-concurrency C`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let hot = args.iter().any(|a| a == "--hot");
    let rest: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--hot")
        .collect();
    if hot {
        cargo(&["bench", "-p", "push-bench", "--bench", "hot_paths"])?;
    }
    let mut run = vec!["run", "--release", "-p", "push-bench", "--", "run"];
    run.extend(rest);
    cargo(&run)
}

fn cargo(args: &[&str]) -> Result<(), String> {
    eprintln!("xtask: ---- cargo {}", args.join(" "));
    let status = Command::new("cargo")
        .args(args)
        .status()
        .map_err(|err| format!("could not start cargo: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}
