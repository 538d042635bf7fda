#!/usr/bin/env bash
# What one provider crate costs the application that depends on it: for each provider, a
# minimal binary crate outside the workspace (default features, a client built with the
# provider's builder and one call through it), then, in a fresh target dir:
#   - packages: unique "name version" pairs in `cargo tree -e normal` (the dependencies that
#     are compiled into or for the app: build-dependencies such as cc are left out, proc-macros
#     are in), without the app itself;
#   - CPU: user + sys seconds of a clean `cargo build` (debug, the app's default dev profile),
#     from /usr/bin/time, which counts cargo and every process it waited for (rustc, build
#     scripts, the C compiler aws-lc-sys runs);
#   - the five units that took longest, from the same build's `--timings` report (cargo only
#     notes when each unit starts and ends, so recording them adds next to nothing).
# Usage: bench/build-cost.sh [PACKAGE...]   (default: the three provider packages; ROUNDS=2 to build
# each app twice, each time in a new target dir; KEEP=1 keeps the temp dir for the reports)
set -euo pipefail
packages=(push-channels push-beams push-pushpad)
if [ "$#" -gt 0 ]; then packages=("$@"); fi
rounds="${ROUNDS:-1}"
export CARGO_BUILD_JOBS=2 CARGO_TERM_COLOR=never
unset CARGO_TARGET_DIR RUSTFLAGS RUSTC_WRAPPER
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/build-cost.XXXXXX)"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$work"' EXIT; fi

# Two lines of Rust per provider that build a client and use it, matched on the end of the
# package name so it survives a rename to push-<provider>.
use_client() {
    case "$1" in
    *channels) echo 'let c = Client::builder("1", "key", "secret").build()?;
    println!("{}", c.authorize_channel("1.1", "private-a", None)?.to_json());' ;;
    *beams) echo 'let c = Client::builder("00000000-0000-0000-0000-000000000000", "secret").build()?;
    println!("{}", c.generate_token("user-1")?.token);' ;;
    *pushpad) echo 'let c = Client::builder("token").build()?;
    println!("{}", c.signature_for("user-1"));' ;;
    *) echo "no client snippet for $1" >&2; exit 1 ;;
    esac
}

echo "| package | packages | round | CPU s (user+sys) | wall s | load after | top units: wall s (share of all units' s) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
for pkg in "${packages[@]}"; do
    dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
        jq -r --arg p "$pkg" '.packages[] | select(.name == $p) | .manifest_path | rtrimstr("/Cargo.toml")')"
    app="$work/app-$pkg"
    mkdir -p "$app/src"
    # The empty [workspace] keeps cargo from looking for a workspace above the temp dir.
    printf '[package]\nname = "app"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s = { path = "%s" }\n\n[workspace]\n' \
        "$pkg" "$dir" > "$app/Cargo.toml"
    printf 'use %s::Client;\n\nfn main() -> Result<(), Box<dyn std::error::Error>> {\n    %s\n    Ok(())\n}\n' \
        "${pkg//-/_}" "$(use_client "$pkg")" > "$app/src/main.rs"
    # The workspace's lock pins every version; cargo drops the entries the app does not need
    # and adds the app, without moving any other package (checked below).
    cp "$root/Cargo.lock" "$app/Cargo.lock"
    cd "$app"
    cargo fetch --quiet
    # Tree lines read "name vX.Y.Z [(path)] [(proc-macro)] [(*)]"; (*) marks a repeat.
    count="$(cargo tree -e normal --prefix none | awk '$1 != "app" { print $1, $2 }' | sort -u | wc -l)"
    # Every package the app resolved must be at the workspace's version, or the figures would
    # not describe the workspace's tree.
    locked() { awk -F'"' '/^name = /{n=$2} /^version = /{print n, $2}' "$1" | sort -u; }
    moved="$(comm -23 <(locked Cargo.lock | grep -v '^app ') <(locked "$root/Cargo.lock"))"
    if [ -n "$moved" ]; then echo "not at the workspace's version: $moved" >&2; exit 1; fi
    for round in $(seq "$rounds"); do
        target="$work/target-$pkg-$round"
        /usr/bin/time -f '%U %S %e' -o "$work/time" \
            cargo build --quiet --timings --target-dir "$target" 2> "$work/build.log" ||
            { cat "$work/build.log" >&2; exit 1; }
        read -r user sys wall < "$work/time"
        # The report holds its units as a JSON array `const UNIT_DATA = [ ... ];`, one object per
        # unit with name, target (" build-script (run)" for running a build script, "" for a
        # library) and duration: wall seconds, stretched when other work shares the cores.
        sed -n '/^const UNIT_DATA = \[/,/^\];/p' "$target"/cargo-timings/cargo-timing-2*.html |
            sed '1s/^const UNIT_DATA = //; $s/;$//' > "$work/units-$pkg-$round.json"
        top="$(jq -r '(map(.duration) | add) as $all | sort_by(-.duration) | .[:5] |
            map("\(.name)\(.target) \(.duration | round) (\(100 * .duration / $all | round) %)") |
            join(", ")' "$work/units-$pkg-$round.json")"
        load="$(cut -d' ' -f1 /proc/loadavg)"
        echo "| $pkg | $count | $round | $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') | $wall | $load | $top |"
    done
    cd "$root"
done
