"""The peer comparison table from measure.py's JSON lines: per database and scenario,
both systems' req/s and p99, and our ratio to the peer (req/s ours / req/s peer; above 1
means we serve more). A scenario with errors shows them instead of a ratio, and so does one
in which either system completed fewer than MIN_PER_CONNECTION requests per connection: its
window was not much longer than one request's wait in the queue, so the req/s undercounts
(raise --duration).

    python3 table.py results.jsonl
"""

import json
import sys

NAMES = {
    "read_one": "read one record (auth)",
    "list_50": "list, first page of 50",
    "create": "create one record",
}

MIN_PER_CONNECTION = 5


def main() -> None:
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    by = {(r["system"], r["backend"], r["scenario"]): r for r in rows}
    print("| database | scenario | cxc req/s | cxc p99 ms | pretix req/s | pretix p99 ms | ratio cxc/pretix |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for backend in dict.fromkeys(r["backend"] for r in rows):
        for scenario, label in NAMES.items():
            ours, peer = by.get(("cxc", backend, scenario)), by.get(("pretix", backend, scenario))
            if not ours or not peer:
                continue
            if not ours["requests"] or not peer["requests"]:
                ratio = "no request completed in the window: no ratio"
            elif ours["errors"] or peer["errors"]:
                ratio = f"errors: {ours['errors']} / {peer['errors']}"
            elif min(r.get("requests_per_connection", MIN_PER_CONNECTION) for r in (ours, peer)) < MIN_PER_CONNECTION:
                few = min(r.get("requests_per_connection", 0) for r in (ours, peer))
                ratio = f"window too short ({few} requests per connection): no ratio"
            else:
                ratio = f"{ours['rps'] / peer['rps']:.1f} ×" if peer["rps"] else "n/a"
            print(
                f"| {backend} | {label} | {ours['rps']:,.0f} | {ours['p99_ms']:.0f} "
                f"| {peer['rps']:,.0f} | {peer['p99_ms']:.0f} | {ratio} |"
            )


if __name__ == "__main__":
    main()
