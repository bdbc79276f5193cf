#!/usr/bin/env bash
# API fuzzing from the published OpenAPI document with schemathesis (installed from PyPI
# into a virtual environment): no 5xx, every response matches its schema, every 4xx is a
# problem document (scripts/schemathesis_hooks.py).
#
#   bash scripts/fuzz_api.sh [path/to/cxc] [max-examples]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary="$(realpath "${1:-target/debug/cxc}")"
examples="${2:-15}"
venv="${CXC_VENV:-$HOME/.cache/cxc-schemathesis-venv}"
if [[ ! -x "$venv/bin/schemathesis" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export APP_CONFIG_DIR="$work" APP__DATABASE__URL="sqlite://$work/cxc.db?mode=rwc" APP__EMAIL__FILE_DIR="$work/mail" \
    APP__SERVER__PORT="$port" APP__TELEMETRY__FILTER=warn APP__HTTP__LOGIN_MAX_FAILURES_PER_IP=1000000
echo "correct horse battery" | "$binary" admin create --email fuzz-admin@example.test --password-stdin >/dev/null
"$binary" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
token="$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"fuzz-admin@example.test","password":"correct horse battery"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

# Logout and erasure would end the admin's session half-way through the run.
SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=scripts "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance,problem_documents \
    --phases examples,coverage,fuzzing --max-examples "$examples" --workers 2 \
    --exclude-path /api/v1/me --exclude-path /api/v1/auth/logout --seed 1 \
    --no-color
if grep -q '"level":"ERROR"\| ERROR ' "$work/server.log"; then
    echo "the server logged errors during fuzzing:" >&2
    grep -m 20 'ERROR' "$work/server.log" >&2
    exit 1
fi
