//! Whether crates.io will take our crates' names: each must be free there, or already ours
//! (published with this workspace's `repository`).
//!
//! The network is behind one function, [`cargo_info`], which runs `cargo info NAME --registry
//! crates-io` (about half a second: the sparse index file, and the newest `.crate` for its
//! manifest). Reading its answer ([`parse_info`]) and judging it ([`judge`]) are pure.

use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the registry has under a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Listing {
    /// No crate of that name.
    Free,
    /// A crate, with the repository and homepage its newest manifest declares.
    Taken {
        repository: Option<String>,
        homepage: Option<String>,
    },
}

/// Reads `cargo info NAME`'s answer: a description with `repository:`/`homepage:` lines, or
/// `could not find `NAME` in registry`, or an error of some other kind (the network), which is
/// `Err` and never taken as free.
pub(crate) fn parse_info(
    name: &str,
    success: bool,
    stdout: &str,
    stderr: &str,
) -> Result<Listing, String> {
    if success {
        let field = |key: &str| {
            stdout.lines().find_map(|line| {
                let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
                (!value.is_empty()).then(|| value.to_owned())
            })
        };
        return Ok(Listing::Taken {
            repository: field("repository"),
            homepage: field("homepage"),
        });
    }
    if stderr.contains(&format!("could not find `{name}` in registry")) {
        return Ok(Listing::Free);
    }
    // Cargo's `error:` line, then the innermost `Caused by:` (the network's own words).
    let error = stderr
        .lines()
        .find_map(|l| l.strip_prefix("error:"))
        .map(str::trim);
    let cause = stderr
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .map(str::trim)
        .filter(|last| !last.starts_with("error:"));
    Err(match (error, cause) {
        (Some(error), Some(cause)) => format!("{error}: {cause}"),
        (Some(only), None) | (None, Some(only)) => only.to_owned(),
        (None, None) => "cargo info failed without saying why".to_owned(),
    })
}

/// The same repository however it is spelled: case, scheme, `www.`, a trailing `/` or `.git`.
fn same_repository(a: &str, b: &str) -> bool {
    let normal = |url: &str| {
        let url = url.trim().to_ascii_lowercase();
        let url = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or(&url)
            .to_owned();
        let url = url
            .strip_prefix("www.")
            .unwrap_or(&url)
            .trim_end_matches('/');
        url.strip_suffix(".git").unwrap_or(url).to_owned()
    };
    normal(a) == normal(b)
}

/// `Ok(line)` when the name can be published by us, else the problem, naming who has it.
pub(crate) fn judge(
    name: &str,
    ours: Option<&str>,
    listing: &Result<Listing, String>,
) -> Result<String, String> {
    match listing {
        Ok(Listing::Free) => Ok(format!("`{name}` is free on the registry")),
        Ok(Listing::Taken {
            repository: Some(theirs),
            ..
        }) if ours.is_some_and(|ours| same_repository(ours, theirs)) => {
            Ok(format!("`{name}` is ours on the registry ({theirs})"))
        }
        Ok(Listing::Taken {
            repository,
            homepage,
        }) => {
            let owner = repository
                .as_deref()
                .or(homepage.as_deref())
                .unwrap_or("an unknown owner (its manifest names no repository or homepage)");
            Err(format!("`{name}` is taken on the registry by {owner}"))
        }
        Err(error) => Err(format!("could not check `{name}` on the registry: {error}")),
    }
}

/// Asks crates.io what it has under `name`.
fn lookup(name: &str) -> Result<Listing, String> {
    let out = cargo_info(name).map_err(|e| format!("could not start cargo info: {e}"))?;
    parse_info(
        name,
        out.status.success(),
        &String::from_utf8_lossy(&out.stdout),
        &String::from_utf8_lossy(&out.stderr),
    )
}

/// Whether crates.io has `name` at exactly `version` (`cargo info name@1.2` may describe
/// 1.2.7, so the version it shows is compared).
pub(crate) fn has_version(name: &str, version: &str) -> bool {
    cargo_info(&format!("{name}@{version}")).is_ok_and(|out| {
        out.status.success()
            && shown_version(&String::from_utf8_lossy(&out.stdout)) == Some(version)
    })
}

/// The version `cargo info` describes: the first word of its `version:` line.
fn shown_version(stdout: &str) -> Option<&str> {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("version:"))
        .and_then(|rest| rest.split_whitespace().next())
}

/// The one call here that uses the network: `cargo info SPEC --registry crates-io`. Run
/// outside the workspace, where cargo info would describe our own member instead, and online
/// even where cargo is configured offline: an offline `cargo info` finds nothing and would
/// pass every name. Cargo's own timeout and a single retry keep a dead network short.
fn cargo_info(spec: &str) -> std::io::Result<std::process::Output> {
    Command::new("cargo")
        .args(["info", "--registry", "crates-io", spec])
        .current_dir(std::env::temp_dir())
        .env("CARGO_NET_OFFLINE", "false")
        .env("CARGO_HTTP_TIMEOUT", "20")
        .env("CARGO_NET_RETRY", "1")
        .output()
}

/// Judges every `(name, our repository)` at once, one thread per name, waiting at most
/// `deadline` in all; a name with no answer by then is a problem too. In the order given.
pub(crate) fn check_names(
    crates: &[(String, Option<String>)],
    deadline: Duration,
) -> Vec<Result<String, String>> {
    check_names_with(crates, deadline, lookup)
}

/// [`check_names`] over any lookup, so the threads and the deadline are tested offline.
fn check_names_with(
    crates: &[(String, Option<String>)],
    deadline: Duration,
    lookup: fn(&str) -> Result<Listing, String>,
) -> Vec<Result<String, String>> {
    let (sender, answers) = mpsc::channel();
    for (at, (name, _)) in crates.iter().enumerate() {
        let sender = sender.clone();
        let name = name.clone();
        // Detached: a lookup still running at the deadline is abandoned, not waited for.
        std::thread::spawn(move || sender.send((at, lookup(&name))));
    }
    drop(sender);
    let mut listings: Vec<Option<Result<Listing, String>>> = vec![None; crates.len()];
    let until = Instant::now() + deadline;
    while listings.iter().any(Option::is_none) {
        let left = until.saturating_duration_since(Instant::now());
        match answers.recv_timeout(left) {
            Ok((at, listing)) => listings[at] = Some(listing),
            Err(_) => break,
        }
    }
    crates
        .iter()
        .zip(listings)
        .map(|((name, ours), listing)| {
            let listing =
                listing.unwrap_or_else(|| Err(format!("no answer within {:.0?}", deadline)));
            judge(name, ours.as_deref(), &listing)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "https://github.com/push-rs/push-rs";

    /// `cargo info channels --registry crates-io` (cargo 1.95), features cut short.
    const CHANNELS: &str = "channels #client #networking #server #stream #channel
Bidirectional channel-like communication over generic Read/Write streams
version: 0.11.2 (latest 0.13.0)
license: MIT
rust-version: 1.64.0
documentation: https://docs.rs/channels
repository: https://github.com/threadexio/channels-rs
crates.io: https://crates.io/crates/channels/0.11.2
features:
 +default    = [bincode]
";

    /// `cargo info beams --registry crates-io`: a crate with neither repository nor homepage.
    const BEAMS: &str = "beams
Pusher Beams Rust Server SDK
version: 0.1.0
license: MIT
rust-version: unknown
documentation: https://docs.rs/beams/0.1.0
crates.io: https://crates.io/crates/beams/0.1.0
";

    const NOT_FOUND: &str = "    Updating crates.io index
error: could not find `push-channels` in registry `https://github.com/rust-lang/crates.io-index`
";

    const NO_NETWORK: &str = "    Updating crates.io index
warning: spurious network error (1 try remaining): [7] Could not connect to server
error: download of config.json failed

Caused by:
  failed to download from `https://index.crates.io/config.json`

Caused by:
  [7] Could not connect to server
";

    #[test]
    fn reads_what_cargo_info_prints() {
        assert_eq!(
            parse_info("channels", true, CHANNELS, ""),
            Ok(Listing::Taken {
                repository: Some("https://github.com/threadexio/channels-rs".into()),
                homepage: None,
            })
        );
        assert_eq!(
            parse_info("beams", true, BEAMS, ""),
            Ok(Listing::Taken {
                repository: None,
                homepage: None
            })
        );
        assert_eq!(
            parse_info("push-channels", false, "", NOT_FOUND),
            Ok(Listing::Free)
        );
        // Another crate's absence is not this one's.
        assert!(parse_info("channels", false, "", NOT_FOUND).is_err());
        assert_eq!(
            parse_info("channels", false, "", NO_NETWORK),
            Err("download of config.json failed: [7] Could not connect to server".into())
        );
        assert!(parse_info("channels", false, "", "").is_err());
    }

    #[test]
    fn the_version_shown_is_compared_whole() {
        assert_eq!(shown_version(CHANNELS), Some("0.11.2"));
        assert_eq!(shown_version(BEAMS), Some("0.1.0"));
        assert_eq!(
            shown_version("version: 0.1.0 (from ./crates/push-core)\n"),
            Some("0.1.0")
        );
        assert_eq!(shown_version("channels\nlicense: MIT\n"), None);
    }

    #[test]
    fn a_name_passes_when_free_or_ours() {
        assert!(judge("push-core", Some(OURS), &Ok(Listing::Free)).is_ok());
        for spelling in [
            OURS,
            "https://github.com/push-rs/push-rs/",
            "https://github.com/push-rs/push-rs.git",
            "http://www.GitHub.com/push-rs/push-rs",
        ] {
            let ours = Ok(Listing::Taken {
                repository: Some(spelling.into()),
                homepage: None,
            });
            assert_eq!(
                judge("push-core", Some(OURS), &ours),
                Ok(format!("`push-core` is ours on the registry ({spelling})"))
            );
        }
    }

    #[test]
    fn a_taken_name_names_its_owner() {
        let channels = parse_info("channels", true, CHANNELS, "");
        assert_eq!(
            judge("channels", Some(OURS), &channels),
            Err(
                "`channels` is taken on the registry by https://github.com/threadexio/channels-rs"
                    .into()
            )
        );
        let homepage_only = Ok(Listing::Taken {
            repository: None,
            homepage: Some("https://example.org".into()),
        });
        assert_eq!(
            judge("x", Some(OURS), &homepage_only),
            Err("`x` is taken on the registry by https://example.org".into())
        );
        let beams = judge("beams", Some(OURS), &parse_info("beams", true, BEAMS, ""));
        assert!(
            beams
                .unwrap_err()
                .starts_with("`beams` is taken on the registry by an unknown owner")
        );
        // Same-looking but another repository, and a package of ours naming none.
        let fork = Ok(Listing::Taken {
            repository: Some("https://github.com/push-rs/push-rs-fork".into()),
            homepage: None,
        });
        assert!(judge("push-core", Some(OURS), &fork).is_err());
        let ours = Ok(Listing::Taken {
            repository: Some(OURS.into()),
            homepage: None,
        });
        assert!(judge("push-core", None, &ours).is_err());
    }

    #[test]
    fn a_failed_lookup_is_a_problem_not_a_pass() {
        let listing = parse_info("push-core", false, "", NO_NETWORK);
        assert_eq!(
            judge("push-core", Some(OURS), &listing),
            Err(
                "could not check `push-core` on the registry: download of config.json failed: \
                 [7] Could not connect to server"
                    .into()
            )
        );
    }

    /// Stands in for the registry: `slow` never answers in time, `ours` is ours, `offline`
    /// fails, anything else is free; each answer takes 300 ms.
    fn fake_lookup(name: &str) -> Result<Listing, String> {
        std::thread::sleep(Duration::from_millis(if name == "slow" {
            5_000
        } else {
            300
        }));
        match name {
            "ours" => Ok(Listing::Taken {
                repository: Some(OURS.into()),
                homepage: None,
            }),
            "offline" => Err("no network".into()),
            _ => Ok(Listing::Free),
        }
    }

    #[test]
    fn names_are_looked_up_together_and_a_slow_one_is_a_problem() {
        let crates: Vec<(String, Option<String>)> = ["a", "ours", "offline", "b", "c", "d"]
            .iter()
            .map(|n| ((*n).to_owned(), Some(OURS.to_owned())))
            .collect();
        let started = Instant::now();
        let results = check_names_with(&crates, Duration::from_secs(3), fake_lookup);
        // Six lookups of 300 ms one after another would take 1.8 s.
        assert!(
            started.elapsed() < Duration::from_millis(1_200),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(results.len(), 6);
        assert_eq!(results[0], Ok("`a` is free on the registry".into()));
        assert!(results[1].as_ref().is_ok_and(|l| l.contains("is ours")));
        assert_eq!(
            results[2],
            Err("could not check `offline` on the registry: no network".into())
        );

        let slow = [("slow".to_owned(), None), ("a".to_owned(), None)];
        let started = Instant::now();
        let results = check_names_with(&slow, Duration::from_secs(1), fake_lookup);
        assert!(
            started.elapsed() < Duration::from_millis(1_500),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            results,
            [
                Err("could not check `slow` on the registry: no answer within 1s".into()),
                Ok("`a` is free on the registry".into()),
            ]
        );
    }
}
