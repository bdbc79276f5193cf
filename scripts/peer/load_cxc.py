"""Load our server with data comparable to the peer's, through its public API: on top of
`cxc seed --demo`, the demo applicant files N draft applications in the open call (the
same request the `create` scenario repeats). Standard library only.

    python3 load_cxc.py BASE_URL N OUT_DIR
Writes OUT_DIR/cxc.json: {"token", "call", "body", "ids": [...]}.
"""

import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

APPLICANT = "applicant@clusterxchange-demo.example"
PASSWORD = "demo-password-123"  # the demo seed's documented default


def call(base, method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data, timeout=60) as r:
        return json.load(r)


def main() -> None:
    base, n, out = sys.argv[1].rstrip("/"), int(sys.argv[2]), sys.argv[3]
    token = call(base, "POST", "/api/v1/auth/login", body={"email": APPLICANT, "password": PASSWORD})[
        "token"
    ]
    open_call = call(base, "GET", "/api/v1/calls?open=true")["items"][0]["id"]
    # One of the demo applicant's own applications in that call gives a valid visitor/host pair.
    mine = call(base, "GET", f"/api/v1/applications?call_id={open_call}&limit=1", token)["items"][0]
    body = {
        "organisation_id": mine["organisation_id"],
        "host_organisation_id": mine["host_organisation_id"],
        "participant": {
            "full_name": "Benchmark Participant",
            "email": "participant@example.eu",
            "job_title": "Engineer",
            "nationality": mine["participant"]["nationality"],
            "base_country": mine["participant"]["base_country"],
        },
        "start_date": mine["start_date"],
        "end_date": mine["end_date"],
        "travel_days": [],
        "objectives": "Meet Big Science suppliers and learn their procurement",
        "activities": ["site visit", "workshop"],
        "sectors": mine["sectors"],
    }
    path = f"/api/v1/calls/{open_call}/applications"
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda _: call(base, "POST", path, token, body)["id"], range(n)))
    with open(f"{out}/cxc.json", "w") as f:
        json.dump({"token": token, "call": open_call, "body": body, "ids": ids}, f)
    print(f"cxc: {n} draft applications by the demo applicant", file=sys.stderr)


if __name__ == "__main__":
    main()
