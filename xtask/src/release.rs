//! `cargo xtask release <version> [--execute]` and `cargo xtask bump <version>`.
//!
//! A dry run by default: preflight (clean tree, versions consistent, changelog entry, tag
//! absent), then the `ci` checks, then `cargo publish --workspace --dry-run`. With `--execute`
//! it publishes the crates in dependency order, skipping versions already on the registry, and
//! tags the release.

use std::process::Command;

use crate::Step;

/// The published crates, in the order they must reach the registry: each after everything it
/// depends on.
pub(crate) const PUBLISH_ORDER: [&str; 5] =
    ["push-core", "channels", "beams", "pushpad", "push-all"];

/// What a member depends on among our own crates (for the ordering check).
const INTERNAL_DEPS: [(&str, &[&str]); 5] = [
    ("push-core", &[]),
    ("channels", &["push-core"]),
    ("beams", &["push-core"]),
    ("pushpad", &["push-core"]),
    ("push-all", &["push-core", "channels", "beams", "pushpad"]),
];

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
    check_order(&PUBLISH_ORDER)?;

    // Preflight.
    let status = output("git", &["status", "--porcelain"])?;
    if !status.trim().is_empty() {
        return Err(format!("the working tree is not clean:\n{status}"));
    }
    crate::println_summary("ok     clean tree");
    let manifest = read("Cargo.toml")?;
    check_versions(&manifest, &version)?;
    crate::println_summary(&format!(
        "ok     versions are {version} across the workspace"
    ));
    check_changelog(&read("CHANGELOG.md")?, &version)?;
    crate::println_summary(&format!("ok     CHANGELOG.md has an entry for {version}"));
    let tag = format!("v{version}");
    if !output("git", &["tag", "--list", &tag])?.trim().is_empty() {
        return Err(format!("tag {tag} already exists"));
    }
    crate::println_summary(&format!("ok     tag {tag} is free"));

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
    for krate in PUBLISH_ORDER {
        if already_published(krate, &version) {
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
    check_versions(&read("Cargo.toml")?, version)?;
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
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `krate@version` is on the registry (`cargo info` answers for published versions).
fn already_published(krate: &str, version: &str) -> bool {
    Command::new("cargo")
        .args(["info", "--quiet", &format!("{krate}@{version}")])
        .output()
        .is_ok_and(|out| {
            out.status.success()
                && String::from_utf8_lossy(&out.stdout).contains(&format!("version: {version}"))
        })
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

/// Checks that the workspace version and every internal requirement equal `version`.
pub(crate) fn check_versions(manifest: &str, version: &str) -> Result<(), String> {
    let (package, internal) = versions(manifest);
    match package {
        Some(v) if v == version => {}
        Some(v) => return Err(format!("[workspace.package] version is {v}, not {version}")),
        None => return Err("no version in [workspace.package]".into()),
    }
    let names: Vec<&str> = internal.iter().map(|(n, _)| n.as_str()).collect();
    for krate in PUBLISH_ORDER {
        if !names.contains(&krate) {
            return Err(format!("[workspace.dependencies] has no entry for {krate}"));
        }
    }
    for (name, v) in &internal {
        if v != version {
            return Err(format!(
                "[workspace.dependencies] requires {name} {v}, not {version}"
            ));
        }
    }
    Ok(())
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

/// Checks that every crate comes after all of its internal dependencies.
pub(crate) fn check_order(order: &[&str]) -> Result<(), String> {
    for (krate, deps) in INTERNAL_DEPS {
        let at = order
            .iter()
            .position(|c| *c == krate)
            .ok_or_else(|| format!("{krate} is missing from the publish order"))?;
        for dep in deps {
            let dep_at = order
                .iter()
                .position(|c| c == dep)
                .ok_or_else(|| format!("{dep} is missing from the publish order"))?;
            if dep_at > at {
                return Err(format!(
                    "{krate} would be published before its dependency {dep}"
                ));
            }
        }
    }
    Ok(())
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
    fn versions_are_checked_everywhere() {
        assert!(check_versions(MANIFEST, "0.1.0").is_ok());
        let err = check_versions(MANIFEST, "0.2.0").unwrap_err();
        assert!(err.contains("[workspace.package]"), "{err}");
        let skewed = MANIFEST.replacen(
            "beams = { path = \"crates/beams\", version = \"0.1.0\"",
            "beams = { path = \"crates/beams\", version = \"0.0.9\"",
            1,
        );
        let err = check_versions(&skewed, "0.1.0").unwrap_err();
        assert!(err.contains("beams 0.0.9"), "{err}");
        let missing = MANIFEST.replace("pushpad = { path", "# pushpad = { path");
        assert!(
            check_versions(&missing, "0.1.0")
                .unwrap_err()
                .contains("pushpad")
        );
    }

    #[test]
    fn bump_rewrites_ours_and_leaves_third_party_alone() {
        let bumped = set_version(MANIFEST, "0.2.0").unwrap();
        assert!(check_versions(&bumped, "0.2.0").is_ok());
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
    fn order_puts_dependencies_first() {
        assert!(check_order(&PUBLISH_ORDER).is_ok());
        let err =
            check_order(&["channels", "push-core", "beams", "pushpad", "push-all"]).unwrap_err();
        assert!(err.contains("channels would be published before its dependency push-core"));
        assert!(check_order(&["push-core", "channels", "beams", "push-all"]).is_err());
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
