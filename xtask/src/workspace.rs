//! The workspace as `cargo metadata` describes it: which members are published, what they
//! depend on among themselves, and the order that follows. Nothing here names a crate, so
//! renaming or adding a package needs no change to xtask.

use std::process::Command;

use crate::json::Json;

/// A workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package {
    pub(crate) name: String,
    pub(crate) version: String,
    /// Whether `cargo publish` may send it to crates.io (`publish` unset, or listing it).
    pub(crate) publishable: bool,
    pub(crate) repository: Option<String>,
    /// Its dependencies on other members (path dependencies), by package name.
    pub(crate) internal_deps: Vec<InternalDep>,
}

/// A dependency of one member on another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InternalDep {
    /// The package depended on (not the key it is renamed to).
    pub(crate) name: String,
    /// The version requirement (`^0.1.0`; `*` for a path-only dependency).
    pub(crate) req: String,
    /// A dev-dependency: stripped or left unchecked by `cargo publish`, no ordering constraint.
    pub(crate) dev: bool,
}

/// Runs `cargo metadata --no-deps` (no resolution, no network) and reads the members.
pub(crate) fn load() -> Result<Vec<Package>, String> {
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("could not start cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Reads the members out of `cargo metadata --format-version 1 --no-deps` output.
pub(crate) fn parse(metadata: &str) -> Result<Vec<Package>, String> {
    let json = Json::parse(metadata).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = json
        .get("packages")
        .and_then(Json::as_array)
        .ok_or("cargo metadata: no `packages` array")?;
    let field = |p: &Json, key: &str| p.get(key).and_then(Json::as_str).map(str::to_owned);
    let names: Vec<String> = packages.iter().filter_map(|p| field(p, "name")).collect();
    let mut members = Vec::with_capacity(packages.len());
    for package in packages {
        let name = field(package, "name").ok_or("cargo metadata: a package has no name")?;
        let version = field(package, "version")
            .ok_or_else(|| format!("cargo metadata: `{name}` has no version"))?;
        // `null`: anywhere; `[]`: `publish = false`; otherwise the registries allowed.
        let publishable = match package.get("publish") {
            None | Some(Json::Null) => true,
            Some(list) => list
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r.as_str() == Some("crates-io"))),
        };
        let mut internal_deps = Vec::new();
        for dep in package
            .get("dependencies")
            .and_then(Json::as_array)
            .unwrap_or_default()
        {
            let Some(dep_name) = field(dep, "name") else {
                continue;
            };
            if dep.get("path").and_then(Json::as_str).is_none() || !names.contains(&dep_name) {
                continue;
            }
            internal_deps.push(InternalDep {
                name: dep_name,
                req: field(dep, "req").unwrap_or_else(|| "*".to_owned()),
                dev: field(dep, "kind").as_deref() == Some("dev"),
            });
        }
        members.push(Package {
            name,
            version,
            publishable,
            repository: field(package, "repository"),
            internal_deps,
        });
    }
    Ok(members)
}

/// The publishable members, each after every member it needs at build time (normal and build
/// dependencies; dev-dependencies may form cycles and do not order). Ties go alphabetically,
/// so the order is the same on every machine.
pub(crate) fn publish_order(packages: &[Package]) -> Result<Vec<&Package>, String> {
    let mut left: Vec<&Package> = packages.iter().filter(|p| p.publishable).collect();
    left.sort_by(|a, b| a.name.cmp(&b.name));
    let mut order: Vec<&Package> = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|p| {
            p.internal_deps
                .iter()
                .filter(|d| !d.dev)
                .all(|d| order.iter().any(|o| o.name == d.name) || !is_publishable(packages, d))
        });
        let Some(at) = ready else {
            let names: Vec<&str> = left.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "the crates {} depend on each other in a cycle; none can be published first",
                names.join(", ")
            ));
        };
        order.push(left.remove(at));
    }
    Ok(order)
}

fn is_publishable(packages: &[Package], dep: &InternalDep) -> bool {
    packages.iter().any(|p| p.name == dep.name && p.publishable)
}

/// What stops the publishable members being released together at `version`: a member at
/// another version, a requirement on a member that `version` does not meet exactly, or a
/// build dependency on a member that is never published. Every problem, not the first.
pub(crate) fn check_versions(packages: &[Package], version: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for package in packages.iter().filter(|p| p.publishable) {
        if package.version != version {
            problems.push(format!(
                "`{}` is at version {}, not {version}",
                package.name, package.version
            ));
        }
        for dep in &package.internal_deps {
            let published = is_publishable(packages, dep);
            if !published {
                // A path-only dev-dependency is stripped by `cargo publish`; anything else
                // would point the published crate at a crate the registry never gets.
                if !dep.dev || dep.req != "*" {
                    problems.push(format!(
                        "`{}` depends on `{}`, which is `publish = false`",
                        package.name, dep.name
                    ));
                }
                continue;
            }
            if !requirement_is(&dep.req, version) {
                problems.push(format!(
                    "`{}` requires `{}` {}, not {version}",
                    package.name, dep.name, dep.req
                ));
            }
        }
    }
    problems
}

/// Whether the requirement names exactly `version` (`^0.1.0`, `=0.1.0`, `0.1.0`): our crates
/// are released together, so each asks for the others' release.
fn requirement_is(req: &str, version: &str) -> bool {
    let req = req.trim();
    let bare = req
        .strip_prefix('^')
        .or_else(|| req.strip_prefix('='))
        .unwrap_or(req)
        .trim();
    bare == version
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A package for tests: `deps` are `(name, req)`; a `name` ending in `!dev` is a
    /// dev-dependency.
    pub(crate) fn package(name: &str, publishable: bool, deps: &[(&str, &str)]) -> Package {
        Package {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            publishable,
            repository: Some("https://github.com/push-rs/push-rs".to_owned()),
            internal_deps: deps
                .iter()
                .map(|(dep, req)| InternalDep {
                    name: dep.trim_end_matches("!dev").to_owned(),
                    req: (*req).to_owned(),
                    dev: dep.ends_with("!dev"),
                })
                .collect(),
        }
    }

    /// Today's shape after the rename: core, three providers, the facade, tooling.
    pub(crate) fn workspace() -> Vec<Package> {
        vec![
            package("push-test-support", false, &[("push-core", "^0.1.0")]),
            package(
                "push-all",
                true,
                &[
                    ("push-core", "^0.1.0"),
                    ("push-channels", "^0.1.0"),
                    ("push-beams", "^0.1.0"),
                    ("push-pushpad", "^0.1.0"),
                ],
            ),
            package(
                "push-channels",
                true,
                &[("push-core", "^0.1.0"), ("push-test-support!dev", "*")],
            ),
            package("push-beams", true, &[("push-core", "^0.1.0")]),
            package("push-pushpad", true, &[("push-core", "^0.1.0")]),
            package("push-core", true, &[]),
            package("xtask", false, &[]),
        ]
    }

    fn names(order: &[&Package]) -> Vec<String> {
        order.iter().map(|p| p.name.clone()).collect()
    }

    #[test]
    fn reads_cargo_metadata() {
        let metadata = r#"{"packages":[
          {"name":"channels","version":"0.1.0","publish":null,
           "repository":"https://github.com/push-rs/push-rs","dependencies":[
            {"name":"push-core","source":null,"req":"^0.1.0","kind":null,"rename":null,
             "path":"/w/crates/push-core"},
            {"name":"serde","source":"registry+https://github.com/rust-lang/crates.io-index",
             "req":"^1.0.219","kind":null},
            {"name":"push-test-support","source":null,"req":"*","kind":"dev",
             "path":"/w/support"}]},
          {"name":"push-core","version":"0.1.0","publish":null,"repository":null,
           "dependencies":[]},
          {"name":"push-test-support","version":"0.1.0","publish":[],"dependencies":[]},
          {"name":"internal","version":"0.1.0","publish":["my-registry"],"dependencies":[]},
          {"name":"listed","version":"0.1.0","publish":["crates-io"],"dependencies":[]}
        ],"workspace_members":[]}"#;
        let packages = parse(metadata).unwrap();
        let channels = &packages[0];
        assert_eq!(channels.name, "channels");
        assert!(channels.publishable);
        assert_eq!(
            channels.repository.as_deref(),
            Some("https://github.com/push-rs/push-rs")
        );
        assert_eq!(
            channels.internal_deps,
            [
                InternalDep {
                    name: "push-core".into(),
                    req: "^0.1.0".into(),
                    dev: false
                },
                InternalDep {
                    name: "push-test-support".into(),
                    req: "*".into(),
                    dev: true
                },
            ]
        );
        assert_eq!(packages[1].repository, None);
        let publishable: Vec<bool> = packages.iter().map(|p| p.publishable).collect();
        assert_eq!(publishable, [true, true, false, false, true]);
        assert!(parse("{}").is_err());
        assert!(parse("not json").is_err());
    }

    #[test]
    fn order_follows_the_dependency_graph() {
        let packages = workspace();
        let order = publish_order(&packages).unwrap();
        assert_eq!(
            names(&order),
            [
                "push-core",
                "push-beams",
                "push-channels",
                "push-pushpad",
                "push-all"
            ]
        );
        // Today's names order the same way.
        let today = vec![
            package(
                "push-all",
                true,
                &[
                    ("push-core", "^0.1.0"),
                    ("channels", "^0.1.0"),
                    ("beams", "^0.1.0"),
                    ("pushpad", "^0.1.0"),
                ],
            ),
            package("pushpad", true, &[("push-core", "^0.1.0")]),
            package("channels", true, &[("push-core", "^0.1.0")]),
            package("beams", true, &[("push-core", "^0.1.0")]),
            package("push-core", true, &[]),
        ];
        assert_eq!(
            names(&publish_order(&today).unwrap()),
            ["push-core", "beams", "channels", "pushpad", "push-all"]
        );
    }

    #[test]
    fn dev_dependencies_do_not_order_and_cycles_are_named() {
        let packages = vec![
            package("a", true, &[("b!dev", "^0.1.0")]),
            package("b", true, &[("a", "^0.1.0")]),
        ];
        assert_eq!(names(&publish_order(&packages).unwrap()), ["a", "b"]);
        let cycle = vec![
            package("a", true, &[("b", "^0.1.0")]),
            package("b", true, &[("a", "^0.1.0")]),
            package("c", true, &[]),
        ];
        let err = publish_order(&cycle).unwrap_err();
        assert!(
            err.contains("a, b depend on each other in a cycle"),
            "{err}"
        );
    }

    #[test]
    fn versions_follow_the_metadata() {
        let packages = workspace();
        assert_eq!(check_versions(&packages, "0.1.0"), Vec::<String>::new());
        let all_wrong = check_versions(&packages, "0.2.0");
        // Five crates at 0.1.0, and seven requirements among them.
        assert_eq!(all_wrong.len(), 5 + 7, "{all_wrong:#?}");
        assert!(all_wrong.contains(&"`push-core` is at version 0.1.0, not 0.2.0".to_owned()));
        assert!(
            all_wrong.contains(&"`push-all` requires `push-beams` ^0.1.0, not 0.2.0".to_owned())
        );

        let mut skewed = workspace();
        skewed[1].internal_deps[2].req = "^0.0.9".into();
        skewed[3].version = "0.0.9".into();
        assert_eq!(
            check_versions(&skewed, "0.1.0"),
            [
                "`push-all` requires `push-beams` ^0.0.9, not 0.1.0",
                "`push-beams` is at version 0.0.9, not 0.1.0",
            ]
        );
    }

    #[test]
    fn a_published_crate_may_not_need_an_unpublished_one() {
        let mut packages = workspace();
        // A path-only dev-dependency is fine (cargo strips it); a normal one is not.
        packages[4].internal_deps.push(InternalDep {
            name: "push-test-support".into(),
            req: "^0.1.0".into(),
            dev: false,
        });
        assert_eq!(
            check_versions(&packages, "0.1.0"),
            ["`push-pushpad` depends on `push-test-support`, which is `publish = false`"]
        );
    }

    #[test]
    fn requirements_must_name_the_release() {
        for ok in ["^0.1.0", "=0.1.0", "0.1.0", " ^0.1.0 "] {
            assert!(requirement_is(ok, "0.1.0"), "{ok}");
        }
        for bad in ["^0.1", "*", ">=0.1.0", "^0.1.0-rc.1", "~0.1.0", "^0.1.01"] {
            assert!(!requirement_is(bad, "0.1.0"), "{bad}");
        }
    }
}
