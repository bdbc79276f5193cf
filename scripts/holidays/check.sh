#!/usr/bin/env bash
# Regenerates the holiday calendars and their boundary test cases with the pinned
# `holidays` package (PyPI, installed into a cached virtual environment like
# scripts/fuzz_api.sh does for schemathesis) and fails on any difference from the
# committed files, so the data cannot drift from its source.
#
#   bash scripts/holidays/check.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

version="$(sed -n 's/^PINNED = "\(.*\)"$/\1/p' scripts/holidays/generate.py)"
venv="${CXC_HOLIDAYS_VENV:-$HOME/.cache/cxc-holidays-venv}"
if ! "$venv/bin/python" -c "import holidays, sys; sys.exit(holidays.__version__ != '$version')" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "holidays==$version"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" scripts/holidays/generate.py "$work/data.txt" "$work/cases.txt"
status=0
for f in data.txt cases.txt; do
    if ! diff -q "crates/domain/src/holidays/$f" "$work/$f" >/dev/null; then
        echo "crates/domain/src/holidays/$f differs from holidays==$version; run scripts/holidays/generate.py" >&2
        diff "crates/domain/src/holidays/$f" "$work/$f" | head -20 >&2 || true
        status=1
    fi
done
[[ $status -eq 0 ]] && echo "ok: holiday data matches holidays==$version"
exit $status
