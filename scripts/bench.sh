#!/usr/bin/env bash
# The benchmark in one command: builds the release server and the benchmark, installs
# wrk when it is missing, then runs every scenario on SQLite and on a throwaway
# PostgreSQL and prints the results table (see docs/benchmarks.md).
#
#   scripts/bench.sh                 # full run (about 15 minutes on 2 cores)
#   scripts/bench.sh --smoke         # a few seconds, tiny data: does it still work?
#   scripts/bench.sh --backend sqlite --duration 5 --only "list,create"
#   scripts/bench.sh --help          # every option
#   scripts/bench.sh --debug --smoke # CI: the debug build `cargo test` already made, no release build
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing wrk (Debian package)..." >&2
        apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
    else
        echo "wrk is required: install it (apt-get install wrk, brew install wrk, ...)" >&2
        exit 1
    fi
fi

profile=release
if [ "${1:-}" = "--debug" ]; then
    profile=debug
    shift
fi
if [ "$profile" = release ]; then
    cargo build --release --quiet -p cxc-server -p cxc-bench
else
    cargo build --quiet -p cxc-server -p cxc-bench
fi
# The benchmark starts the server from a temporary directory, so the binaries must be
# named by absolute paths. Cargo knows where its target directory is (CARGO_TARGET_DIR,
# relative or absolute, or a config file); ask it rather than guess.
target="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
exec "$target/$profile/cxc-bench" --server "$target/$profile/cxc" "$@"
