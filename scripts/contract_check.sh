#!/usr/bin/env bash
# The OpenAPI document, checked by tools nobody here wrote (issue 13):
#   1. openapi-spec-validator (PyPI): a strict OpenAPI 3.1 validator;
#   2. Redocly CLI `lint` (npm), recommended rules: zero errors;
#   3. openapi-python-client (PyPI) generates a typed client from the document, and
#      scripts/contract/journey.py runs a user journey through it against a real server
#      with the demo data (register, log in, create an organisation, check eligibility,
#      create and list applications with a null-eligibility draft, register for a visit).
# The tools are pinned and installed once into a cache directory; the generated client
# lives in a temporary directory and never in git.
#
#   bash scripts/contract_check.sh [path/to/cxc]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary="$(realpath "${1:-target/debug/cxc}")"
cache="${CXC_CONTRACT_CACHE:-$HOME/.cache/cxc-contract}"
venv="$cache/venv"
npm_dir="$cache/npm"
if [[ ! -x "$venv/bin/openapi-python-client" || ! -x "$venv/bin/openapi-spec-validator" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "openapi-spec-validator==0.9.0" "openapi-python-client==0.29.1"
fi
if [[ ! -x "$npm_dir/node_modules/.bin/redocly" ]]; then
    mkdir -p "$npm_dir"
    npm install --silent --no-audit --no-fund --prefix "$npm_dir" "@redocly/cli@2.77.0"
fi

work="$(mktemp -d)"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$binary" openapi >"$work/openapi.json"

echo "--- openapi-spec-validator"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

echo "--- redocly lint (recommended rules)"
NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    "$npm_dir/node_modules/.bin/redocly" lint "$work/openapi.json" \
    --config scripts/contract/redocly.yaml --format=stylish 2>&1 | grep -v '[║╔╚]'
test "${PIPESTATUS[0]}" -eq 0

echo "--- openapi-python-client: generate, then run the journey"
(cd "$work" && "$venv/bin/openapi-python-client" generate --path "$work/openapi.json" --meta none \
    --config "$OLDPWD/scripts/contract/client.yaml" --output-path "$work/client/cxc_client" --fail-on-warning)

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export APP_CONFIG_DIR="$work" APP__DATABASE__URL="sqlite://$work/cxc.db?mode=rwc" APP__EMAIL__FILE_DIR="$work/mail" \
    APP__SERVER__PORT="$port" APP__TELEMETRY__FILTER=warn
"$binary" seed --demo >/dev/null 2>&1
"$binary" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
CXC_MAIL_DIR="$work/mail" PYTHONPATH="$work/client" "$venv/bin/python" scripts/contract/journey.py "http://127.0.0.1:$port"
