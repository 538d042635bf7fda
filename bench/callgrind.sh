#!/usr/bin/env bash
# Client instructions per request for each throughput scenario, with valgrind's callgrind:
# (count at 3000 requests - count at 1000 requests) / 2000, which cancels start-up and warm-up.
# The server runs as its own process, outside valgrind. Deterministic, unlike wall-clock
# figures on a shared machine. Usage: bench/callgrind.sh [CONCURRENCY [SCENARIO...]]
# (default 64 and every scenario, ~6 min; the ratio column is against the first scenario run)
set -euo pipefail
concurrency="${1:-64}"
cd "$(dirname "$0")/.."
cargo build --quiet --release -p push-bench
bin="${CARGO_TARGET_DIR:-target}/release/push-bench"
out="$(mktemp -d)"
# The server lives until its stdin closes: hold it open with a fifo we close on exit.
mkfifo "$out/stdin"
"$bin" serve < "$out/stdin" > "$out/url" &
server=$!
exec 3> "$out/stdin"
trap 'exec 3>&-; wait "$server" 2>/dev/null; rm -rf "$out"' EXIT
while [ ! -s "$out/url" ]; do sleep 0.1; done
url="$(head -n1 "$out/url")"

count() { # scenario-name-part requests
    PUSH_BENCH_PINNED=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" run --url "$url" \
        --only "$1" --diagnose true --users 0 --channels 0 --rounds 1 --requests "$2" \
        --concurrency "$concurrency" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "| scenario (c = $concurrency) | instructions/request | × bare |"
echo "| --- | ---: | ---: |"
bare=""
scenarios=("bare reqwest POST" "channels trigger" "beams publish_to_interests"
    "pushpad notifications.create" "diag: bare + 30 s timeout" "diag: push-core Transport"
    "(a) bare POST, Channels bytes" "(a) bare POST, Beams bytes" "(a) bare POST, Pushpad bytes")
if [ "$#" -gt 1 ]; then scenarios=("${@:2}"); fi
for name in "${scenarios[@]}"; do
    small="$(count "$name" 1000)"
    large="$(count "$name" 3000)"
    per=$(( (large - small) / 2000 ))
    bare="${bare:-$per}"
    echo "| $name | $per | $(awk -v a="$per" -v b="$bare" 'BEGIN { printf "%.3f", a / b }') |"
done
