//! `cargo xtask release <version> [--execute]` and `cargo xtask bump <version>`.
//!
//! A dry run by default: a preflight, then the `ci` checks, then `cargo publish --workspace
//! --dry-run`. With `--execute` it publishes the crates in dependency order, skipping versions
//! already on the registry, and tags the release.
//!
//! The preflight runs every check before anything long and reports every problem together:
//! clean tree, versions, changelog entry, tag absent, and each publishable crate's name free on
//! crates.io or already ours. Which crates those are, and their order, come from `cargo
//! metadata` (`workspace`), so a renamed or added package needs no change here.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::Step;
use crate::workspace::{self, Package};

/// How long the registry may take to answer for all the names together.
const NAMES_DEADLINE: Duration = Duration::from_secs(40);

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut version = None;
    let mut execute = false;
    for arg in args {
        match arg.as_str() {
            "--execute" => execute = true,
            v if version.is_none() && !v.starts_with('-') => version = Some(v.to_owned()),
            other => return Err(format!("unknown argument {other:?} for `release`")),
        }
    }
    let version = version.ok_or("usage: cargo xtask release <version> [--execute]")?;
    check_version_syntax(&version)?;

    let started = Instant::now();
    let (packages, problems) = preflight(&version);
    let secs = started.elapsed().as_secs_f64();
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("release: {problem}");
        }
        return Err(format!(
            "release {version} stopped at the preflight after {secs:.1}s: {} problem{}, \
             nothing built or published",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ));
    }
    crate::println_summary(&format!("ok     preflight {secs:>7.1}s"));
    let order: Vec<String> = workspace::publish_order(&packages)?
        .into_iter()
        .map(|p| p.name.clone())
        .collect();

    // The same checks as CI.
    crate::ci::run(&[])?;

    // Package and verify every crate against a local registry, in dependency order.
    Step::cargo(
        "package",
        &["publish", "--workspace", "--dry-run", "--locked"],
    )
    .run()?;

    if !execute {
        crate::println_summary(&format!(
            "dry run of {version} complete: nothing published. Run with --execute to publish."
        ));
        return Ok(());
    }
    for krate in &order {
        if crate::registry::has_version(krate, &version) {
            crate::println_summary(&format!(
                "skip   {krate} {version} is already on the registry"
            ));
            continue;
        }
        let status = Command::new("cargo")
            .args(["publish", "--locked", "-p", krate])
            .status()
            .map_err(|e| format!("cargo publish -p {krate}: {e}"))?;
        if !status.success() {
            return Err(format!("publishing {krate} failed ({status})"));
        }
        crate::println_summary(&format!("ok     published {krate} {version}"));
    }
    let tag = format!("v{version}");
    let status = Command::new("git")
        .args(["tag", "-a", &tag, "-m", &format!("Release {version}")])
        .status()
        .map_err(|e| format!("git tag: {e}"))?;
    if !status.success() {
        return Err(format!("git tag {tag} failed"));
    }
    crate::println_summary(&format!(
        "released {version}; push the tag with `git push origin {tag}`"
    ));
    Ok(())
}

/// Every check that needs no build, each printing its `ok` line when it passes; returns the
/// workspace's members and every problem found. The registry lookups run while the local
/// checks do.
fn preflight(version: &str) -> (Vec<Package>, Vec<String>) {
    let ok = |line: &str| crate::println_summary(&format!("ok     {line}"));
    let mut problems = Vec::new();
    let packages = workspace::load().unwrap_or_else(|e| {
        problems.push(format!("could not read the workspace: {e}"));
        Vec::new()
    });
    let mut crates: Vec<(String, Option<String>)> = packages
        .iter()
        .filter(|p| p.publishable)
        .map(|p| (p.name.clone(), p.repository.clone()))
        .collect();
    crates.sort();
    let publishable = crates.len();
    let lookups = std::thread::spawn(move || crate::registry::check_names(&crates, NAMES_DEADLINE));

    match output("git", &["status", "--porcelain"]) {
        Ok(status) if status.trim().is_empty() => ok("clean tree"),
        Ok(status) => problems.push(unclean(&status)),
        Err(e) => problems.push(format!("could not check the working tree: {e}")),
    }

    let mut version_problems = match read("Cargo.toml") {
        Ok(manifest) => check_manifest_versions(&manifest, version),
        Err(e) => vec![e],
    };
    version_problems.extend(workspace::check_versions(&packages, version));
    if publishable == 0 && !packages.is_empty() {
        version_problems.push("the workspace has no publishable crate".to_owned());
    }
    if version_problems.is_empty() {
        ok(&format!(
            "versions are {version} across the {publishable} publishable crates"
        ));
    }
    problems.extend(version_problems);

    match workspace::publish_order(&packages) {
        Ok(order) if !order.is_empty() => {
            let names: Vec<&str> = order.iter().map(|p| p.name.as_str()).collect();
            ok(&format!("publish order {}", names.join(", ")));
        }
        Ok(_) => {}
        Err(e) => problems.push(e),
    }

    match read("CHANGELOG.md").and_then(|log| check_changelog(&log, version)) {
        Ok(()) => ok(&format!("CHANGELOG.md has an entry for {version}")),
        Err(e) => problems.push(e),
    }

    let tag = format!("v{version}");
    match output("git", &["tag", "--list", &tag]) {
        Ok(found) if found.trim().is_empty() => ok(&format!("tag {tag} is free")),
        Ok(_) => problems.push(format!("tag {tag} already exists")),
        Err(e) => problems.push(format!("could not list the tags: {e}")),
    }

    let names = lookups
        .join()
        .unwrap_or_else(|_| vec![Err("the registry lookups panicked".to_owned())]);
    for name in names {
        match name {
            Ok(line) => ok(&line),
            Err(problem) => problems.push(problem),
        }
    }
    (packages, problems)
}

/// The problem line for a dirty tree: how many paths, and the first few.
fn unclean(status: &str) -> String {
    let paths: Vec<&str> = status
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let shown = paths.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    let more = paths.len().saturating_sub(5);
    format!(
        "the working tree is not clean ({}{})",
        shown,
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// `cargo xtask bump <version>`: rewrites the workspace version and our inter-crate
/// requirements.
pub(crate) fn bump(args: &[String]) -> Result<(), String> {
    let [version] = args else {
        return Err("usage: cargo xtask bump <version>".into());
    };
    check_version_syntax(version)?;
    let manifest = read("Cargo.toml")?;
    let bumped = set_version(&manifest, version)?;
    std::fs::write("Cargo.toml", bumped).map_err(|e| format!("writing Cargo.toml: {e}"))?;
    let problems = check_manifest_versions(&read("Cargo.toml")?, version);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    crate::println_summary(&format!(
        "Cargo.toml now says {version}; add a CHANGELOG.md entry and commit"
    ));
    Ok(())
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))
}

fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` suffix.
pub(crate) fn check_version_syntax(version: &str) -> Result<(), String> {
    let core = version.split_once('-').map_or(version, |(core, _)| core);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(numeric) {
        Ok(())
    } else {
        Err(format!("{version:?} is not a version like 1.2.3"))
    }
}

/// The `version = "..."` of `[workspace.package]`, and of each internal entry of
/// `[workspace.dependencies]` (lines `name = { path = "crates/...", version = "..." ... }`).
fn versions(manifest: &str) -> (Option<String>, Vec<(String, String)>) {
    let mut section = "";
    let mut package_version = None;
    let mut internal = Vec::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed;
            continue;
        }
        if section == "[workspace.package]" && trimmed.starts_with("version") {
            package_version = quoted_after(trimmed, "version");
        }
        if section == "[workspace.dependencies]"
            && trimmed.contains("path = \"crates/")
            && let (Some((name, _)), Some(v)) =
                (trimmed.split_once('='), quoted_after(trimmed, "version"))
        {
            internal.push((name.trim().to_owned(), v));
        }
    }
    (package_version, internal)
}

/// The first `"..."` after `key =` in `line`.
pub(crate) fn quoted_after(line: &str, key: &str) -> Option<String> {
    let start = line.find(key)? + key.len();
    let rest = line[start..].trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// Checks the manifest text `bump` writes: the `[workspace.package]` version and each
/// `[workspace.dependencies]` entry with a `path` into `crates/` (whatever its name). The
/// members' own versions and requirements are checked from the metadata (`workspace`).
pub(crate) fn check_manifest_versions(manifest: &str, version: &str) -> Vec<String> {
    let (package, internal) = versions(manifest);
    let mut problems = Vec::new();
    match package {
        Some(v) if v == version => {}
        Some(v) => problems.push(format!("[workspace.package] version is {v}, not {version}")),
        None => problems.push("no version in [workspace.package]".into()),
    }
    for (name, v) in &internal {
        if v != version {
            problems.push(format!(
                "[workspace.dependencies] requires {name} {v}, not {version}"
            ));
        }
    }
    problems
}

/// Rewrites the workspace version and every internal requirement to `version`.
pub(crate) fn set_version(manifest: &str, version: &str) -> Result<String, String> {
    let (Some(old), internal) = versions(manifest) else {
        return Err("no version in [workspace.package]".into());
    };
    let mut section = String::new();
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_owned();
        }
        let rewrite = (section == "[workspace.package]" && trimmed.starts_with("version"))
            || (section == "[workspace.dependencies]" && trimmed.contains("path = \"crates/"));
        if rewrite {
            let current = quoted_after(trimmed, "version").unwrap_or_else(|| old.clone());
            out.push_str(&line.replacen(
                &format!("version = \"{current}\""),
                &format!("version = \"{version}\""),
                1,
            ));
        } else {
            out.push_str(line);
        }
    }
    if internal.is_empty() {
        return Err("no internal crates in [workspace.dependencies]".into());
    }
    Ok(out)
}

/// Checks that the changelog has a `## [version]` (or `## version`) heading.
pub(crate) fn check_changelog(changelog: &str, version: &str) -> Result<(), String> {
    let found = changelog.lines().any(|line| {
        let Some(heading) = line.strip_prefix("## ") else {
            return false;
        };
        let heading = heading.trim_start_matches('[');
        heading
            .strip_prefix(version)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(']') || rest.starts_with(' '))
    });
    if found {
        Ok(())
    } else {
        Err(format!("CHANGELOG.md has no `## [{version}]` entry"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.1.0"
edition = "2024"

[workspace.dependencies]
push-core = { path = "crates/push-core", version = "0.1.0", default-features = false }
channels = { path = "crates/channels", version = "0.1.0", default-features = false }
beams = { path = "crates/beams", version = "0.1.0", default-features = false }
pushpad = { path = "crates/pushpad", version = "0.1.0", default-features = false }
push-all = { path = "crates/push-all", version = "0.1.0", default-features = false }
serde = { version = "0.1.0", default-features = false }
"#;

    #[test]
    fn manifest_versions_are_checked_whatever_the_crates_are_called() {
        assert_eq!(
            check_manifest_versions(MANIFEST, "0.1.0"),
            Vec::<String>::new()
        );
        let all = check_manifest_versions(MANIFEST, "0.2.0");
        assert_eq!(all.len(), 1 + 5, "{all:#?}");
        assert_eq!(all[0], "[workspace.package] version is 0.1.0, not 0.2.0");
        let skewed = MANIFEST
            .replacen(
                "beams = { path = \"crates/beams\", version = \"0.1.0\"",
                "beams = { path = \"crates/beams\", version = \"0.0.9\"",
                1,
            )
            .replace(
                "[workspace.package]\nversion = \"0.1.0\"",
                "[workspace.package]\n",
            );
        assert_eq!(
            check_manifest_versions(&skewed, "0.1.0"),
            [
                "no version in [workspace.package]",
                "[workspace.dependencies] requires beams 0.0.9, not 0.1.0"
            ]
        );
        // After the rename: other keys, `package =`, and fewer entries are all fine.
        let renamed = MANIFEST
            .replace("channels = { path", "push-channels = { path")
            .replace("beams = { path", "beams = { package = \"push-beams\", path")
            .replace("pushpad = { path", "# pushpad = { path");
        assert_eq!(
            check_manifest_versions(&renamed, "0.1.0"),
            Vec::<String>::new()
        );
        let bumped = set_version(&renamed, "0.2.0").unwrap();
        assert_eq!(
            check_manifest_versions(&bumped, "0.2.0"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn bump_rewrites_ours_and_leaves_third_party_alone() {
        let bumped = set_version(MANIFEST, "0.2.0").unwrap();
        assert_eq!(
            check_manifest_versions(&bumped, "0.2.0"),
            Vec::<String>::new()
        );
        // serde's requirement happened to read 0.1.0 too; it is not ours to bump.
        assert!(bumped.contains("serde = { version = \"0.1.0\""));
        assert_eq!(bumped.lines().count(), MANIFEST.lines().count());
    }

    #[test]
    fn changelog_entry_is_found_only_for_the_version() {
        let log = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-22\n- first\n";
        assert!(check_changelog(log, "0.1.0").is_ok());
        assert!(check_changelog("## 0.1.0\n", "0.1.0").is_ok());
        assert!(check_changelog(log, "0.1.1").is_err());
        assert!(check_changelog(log, "0.1").is_err());
        assert!(check_changelog("## [0.1.01]\n", "0.1.0").is_err());
    }

    #[test]
    fn a_dirty_tree_is_one_problem_naming_a_few_paths() {
        assert_eq!(
            unclean(" M Cargo.toml\n?? new.rs\n"),
            "the working tree is not clean (M Cargo.toml, ?? new.rs)"
        );
        let many: String = (0..8).map(|i| format!("?? f{i}\n")).collect();
        assert_eq!(
            unclean(&many),
            "the working tree is not clean (?? f0, ?? f1, ?? f2, ?? f3, ?? f4 and 3 more)"
        );
    }

    #[test]
    fn version_syntax() {
        for ok in ["0.1.0", "1.22.333", "1.0.0-rc.1"] {
            assert!(check_version_syntax(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1", "1.2", "v1.2.3", "1.2.x", "1..3"] {
            assert!(check_version_syntax(bad).is_err(), "{bad}");
        }
    }
}
