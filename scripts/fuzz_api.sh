#!/usr/bin/env bash
# API fuzzing from the published OpenAPI document with schemathesis (installed from PyPI
# into a virtual environment): no 5xx, every response matches its schema, every 4xx is a
# problem document (scripts/schemathesis_hooks.py).
#
#   bash scripts/fuzz_api.sh [path/to/cxc] [max-examples] [sqlite|postgres]
#
# On `postgres` a throwaway PostgreSQL is started (initdb/pg_ctl on the PATH, as the
# `postgres` user when run as root), the demo data is loaded, and schemathesis's stateful
# phase also runs (sequences of calls that follow the document's links, e.g. create an
# organisation, then read, patch and check it), so the two databases are held to the same
# answers with real records to hit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary="$(realpath "${1:-target/debug/cxc}")"
examples="${2:-15}"
backend="${3:-sqlite}"
venv="${CXC_VENV:-$HOME/.cache/cxc-schemathesis-venv}"
if [[ ! -x "$venv/bin/schemathesis" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work="$(mktemp -d)"
port="$(free_port)"
server=""
pg_stop=""
cleanup() {
    [[ -n "$server" ]] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
    [[ -n "$pg_stop" ]] && eval "$pg_stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

phases="examples,coverage,fuzzing"
case "$backend" in
    sqlite)
        database_url="sqlite://$work/cxc.db?mode=rwc"
        ;;
    postgres)
        pg_port="$(free_port)"
        as_pg=()
        if [[ "$(id -u)" == 0 ]]; then
            as_pg=(runuser -u postgres --)
            chown postgres:postgres "$work"
        fi
        "${as_pg[@]}" initdb -D "$work/pg" -U postgres --auth=trust --no-sync >/dev/null
        "${as_pg[@]}" pg_ctl -D "$work/pg" -l "$work/pg.log" -w start \
            -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
        pg_stop="${as_pg[*]} pg_ctl -D $work/pg -m immediate stop"
        psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE cxc" >/dev/null
        database_url="postgres://postgres@127.0.0.1:$pg_port/cxc"
        phases="examples,coverage,fuzzing,stateful"
        ;;
    *)
        echo "unknown backend $backend (sqlite or postgres)" >&2
        exit 2
        ;;
esac

mkdir -p "$work/config"
export APP_CONFIG_DIR="$work/config" APP__DATABASE__URL="$database_url" APP__EMAIL__FILE_DIR="$work/mail" \
    APP__SERVER__PORT="$port" APP__TELEMETRY__FILTER=warn APP__HTTP__LOGIN_MAX_FAILURES_PER_IP=1000000
echo "correct horse battery" | "$binary" admin create --email fuzz-admin@example.test --password-stdin >/dev/null
if [[ "$backend" == postgres ]]; then
    "$binary" seed --demo >/dev/null
fi
"$binary" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
token="$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"fuzz-admin@example.test","password":"correct horse battery"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

# Logout and erasure would end the admin's session half-way through the run.
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=scripts "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance,problem_documents \
    --phases "$phases" --max-examples "$examples" --workers 2 \
    --exclude-path /api/v1/me --exclude-path /api/v1/auth/logout --seed 1 \
    --no-color
if grep -q '"level":"ERROR"\| ERROR ' "$work/server.log"; then
    echo "the server logged errors during fuzzing ($backend):" >&2
    grep -m 20 'ERROR' "$work/server.log" >&2
    exit 1
fi
