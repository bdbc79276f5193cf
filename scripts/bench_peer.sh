#!/usr/bin/env bash
# Our server against a peer, in one run: pretix (open-source ticketing, Django + DRF,
# from PyPI, run as its production guide says) and `cxc`, on the same machine, on SQLite
# and then on a throwaway PostgreSQL 15, loaded with the same number of records and
# measured with the same wrk settings, back to back. What is compared and why it is fair:
# docs/benchmarks-peer.md. Part of the full benchmark only (minutes, not CI's smoke).
#
#   scripts/bench_peer.sh                        # both databases, release build of cxc
#   scripts/bench_peer.sh --backend sqlite --rows 2000 --duration 5
#   scripts/bench_peer.sh --server /path/to/cxc  # an already built binary (no cargo build)
#
# --duration (default 60 s) is long because pretix, with 32 connections on five sync
# workers, keeps each request seconds in its queue; table.py refuses a ratio when either
# system completed fewer than 5 requests per connection in the window. About 20 minutes
# for both databases with the defaults.
#
# Prints a JSON line per system × database × scenario while it runs, then the table.
# Results are also kept in $PEER_HOME/results.jsonl (default ~/.cache/cxc-peer).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

backend=both rows=5000 duration=60 connections=32 server=""
while [ $# -gt 0 ]; do
    case "$1" in
    --backend) backend="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$backend" in
both) backends="sqlite postgres" ;;
sqlite | postgres) backends="$backend" ;;
*) echo "--backend sqlite|postgres|both" >&2; exit 2 ;;
esac

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
    else
        echo "wrk is required (apt-get install wrk)" >&2
        exit 1
    fi
fi

if [ -z "$server" ]; then
    cargo build --release --quiet -p cxc-server
    target="$(cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    server="$target/release/cxc"
fi
server="$(cd "$(dirname "$server")" && pwd)/$(basename "$server")"

export PEER_HOME="${PEER_HOME:-$HOME/.cache/cxc-peer}"
export PEER_PG="${PEER_PG:-18432}"
cxc_port="${CXC_PEER_PORT:-18090}"
scripts/peer/pretix.sh install

work="$(mktemp -d /tmp/cxc-peer.XXXXXX)"
# PostgreSQL's own directory: pg.sh hands it to the postgres user, which cannot enter $work.
pgdir="$(mktemp -d /tmp/cxc-peer-pg.XXXXXX)"
results="$PEER_HOME/results.jsonl"
: >"$results"
cxc_pid=""
cleanup() {
    [ -n "$cxc_pid" ] && kill "$cxc_pid" 2>/dev/null || true
    scripts/peer/pretix.sh stop || true
    scripts/peer/pg.sh stop "$pgdir" || true
    rm -rf "$work"
}
trap cleanup EXIT

measure() { # system backend addr data
    python3 scripts/peer/measure.py "$1" "$2" "$3" "$4" --duration "$duration" \
        --connections "$connections" | tee -a "$results"
}

wait_health() {
    for _ in $(seq 1 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$cxc_port/health" && return 0
        sleep 0.5
    done
    echo "cxc did not become healthy; see $work/cxc/serve.log" >&2
    exit 1
}

for b in $backends; do
    echo "== $b: $rows records each, $connections connections, ${duration}s per scenario" >&2
    if [ "$b" = postgres ]; then
        scripts/peer/pg.sh start "$pgdir" "$PEER_PG"
        db_url="postgres://postgres@127.0.0.1:$PEER_PG/cxc"
    else
        db_url="sqlite://$work/cxc/cxc.db?mode=rwc"
    fi

    # Ours: the demo seed plus $rows drafts through the API, production log format.
    rm -rf "$work/cxc" && mkdir -p "$work/cxc"
    (
        cd "$work/cxc"
        export APP__DATABASE__URL="$db_url" APP__SERVER__PORT="$cxc_port" \
            APP__TELEMETRY__FORMAT=json APP__EMAIL__TRANSPORT=file \
            APP__EMAIL__FILE_DIR="$work/cxc/mail" APP__SECURITY__UNSUBSCRIBE_SECRET=bench-peer
        "$server" seed --demo >seed.log 2>&1
        exec "$server" serve >serve.log 2>&1
    ) &
    cxc_pid=$!
    wait_health
    python3 scripts/peer/load_cxc.py "http://127.0.0.1:$cxc_port" "$rows" "$work/cxc"
    measure cxc "$b" "127.0.0.1:$cxc_port" "$work/cxc/cxc.json"
    kill "$cxc_pid" && wait "$cxc_pid" 2>/dev/null || true
    cxc_pid=""

    # The peer: same database server, same record count, same wrk settings.
    scripts/peer/pretix.sh start "$b"
    PRETIX_CONFIG_FILE="$PEER_HOME/run/pretix.cfg" DJANGO_SETTINGS_MODULE=pretix_settings \
        PYTHONPATH="$root/scripts/peer" "$PEER_HOME/venv/bin/python" \
        scripts/peer/load_pretix.py "$rows" "$work"
    measure pretix "$b" "127.0.0.1:${PEER_PORT:-18345}" "$work/pretix.json"
    scripts/peer/pretix.sh stop

    if [ "$b" = postgres ]; then scripts/peer/pg.sh stop "$pgdir"; fi
done

python3 scripts/peer/table.py "$results"
