"""Measure one system's three scenarios with wrk and print one JSON line per scenario:

    {"system": "pretix", "backend": "sqlite", "scenario": "read_one", "rps": 512.3,
     "p50_ms": 55.1, "p99_ms": 140.2, "requests": 5123, "errors": 0, "bytes_per_response": 2210}

    python3 measure.py SYSTEM BACKEND HOST:PORT DATA_JSON [--duration S] [--connections C]

SYSTEM is `cxc` (our server; DATA_JSON from load_cxc.py) or `pretix` (load_pretix.py).
Both systems get the same wrk settings; only the requests differ:

  read_one  one record by id, authenticated, a random one of the loaded records each time
  list_50   the first page of 50 of the caller's records, newest first, no filter
  create    one new record (a draft application / an order of one ticket), authenticated

`errors` counts non-2xx answers and socket errors; a scenario with errors is not a
measurement of the work it names, so the caller should reject it.
"""

import argparse
import json
import os
import subprocess
import tempfile

# wrk calls done() once after the run; it prints the figures as one JSON line.
DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  local n = summary.requests
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d, "bytes_per_response": %d}\\n',
    n, n / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, n > 0 and summary.bytes / n or 0))
end
"""

# Each wrk thread walks the id list from its own offset, so the reads spread over all rows.
PICK = """
local i = 0
function setup(thread)
  thread:set("i", math.random(1, 100000))
end
function pick(list)
  i = i + 7919
  return list[(i % #list) + 1]
end
"""


def lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid Lua string literal here


def lua_list(items) -> str:
    return "{" + ",".join(lua_str(str(x)) for x in items) + "}"


def scripts(system: str, data: dict) -> dict:
    if system == "cxc":
        auth = "Bearer " + data["token"]
        read = ("/api/v1/applications/", "")
        ids = data["ids"]
        list_path = "/api/v1/applications?limit=50"
        create_path = f"/api/v1/calls/{data['call']}/applications"
        create_body = json.dumps(data["body"])
    else:
        auth = "Token " + data["token"]
        base = data["base"]
        read = (base + "/orders/", "/")
        ids = data["codes"]
        list_path = base + "/orders/?page_size=50"
        create_path = base + "/orders/"
        create_body = json.dumps(
            {
                "email": "attendee@example.eu",
                "locale": "en",
                "sales_channel": "web",
                "send_email": False,
                "positions": [
                    {
                        "positionid": 1,
                        "item": data["item"],
                        "price": "120.00",
                        "attendee_name": "Benchmark Attendee",
                        "attendee_email": "attendee@example.eu",
                    }
                ],
            }
        )
    hdr = f'hdr = {{["Authorization"] = {lua_str(auth)}, ["Content-Type"] = "application/json"}}\n'
    # Only a sample of ids goes into the script; thousands are plenty to defeat caching.
    return {
        "read_one": hdr
        + f"ids = {lua_list(ids[:5000])}\n"
        + PICK
        + f'function request() return wrk.format("GET", {lua_str(read[0])} .. pick(ids) .. {lua_str(read[1])}, hdr) end\n',
        "list_50": hdr + f'function request() return wrk.format("GET", {lua_str(list_path)}, hdr) end\n',
        "create": hdr
        + f"body = {lua_str(create_body)}\n"
        + f'function request() return wrk.format("POST", {lua_str(create_path)}, hdr, body) end\n',
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("system", choices=["cxc", "pretix"])
    ap.add_argument("backend")
    ap.add_argument("addr")
    ap.add_argument("data")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    with open(a.data) as f:
        data = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in scripts(a.system, data).items():
            if a.only and name not in a.only.split(","):
                continue
            path = os.path.join(tmp, name + ".lua")
            with open(path, "w") as f:
                f.write(body + DONE)
            # A short unrecorded run first: pretix's workers load the application on their
            # first request, and both systems should be measured warm.
            for secs in (a.warmup, a.duration):
                if secs <= 0:
                    continue
                out = wrk(a, path, secs)
            figures = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
            row = {"system": a.system, "backend": a.backend, "scenario": name, **figures}
            print(json.dumps(row), flush=True)


def wrk(a, path: str, secs: int) -> str:
    cmd = ["wrk", f"-t{a.threads}", f"-c{a.connections}", f"-d{secs}s", "--timeout", "30s"]
    cmd += ["-s", path, f"http://{a.addr}"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    main()
