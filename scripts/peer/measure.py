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

Between wrk runs the server is drained: when wrk stops, its open connections are dropped,
but a gunicorn sync worker does not notice a client that went away and still serves every
request already queued in its listen backlog (up to one per connection). Without the drain
that leftover work (32 list requests of ~1 s each on a busy machine) runs inside the next
measured window; when it takes longer than the window, pretix completes no request at all
(the cause of the all-zero pretix rows of the first run). `drain_s` says how long the
leftovers took to clear. `requests_per_connection` below ~3 means the window was too short
for the latency (each connection waits its turn in the queue before its first answer):
raise --duration.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
import urllib.request

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
i = 0
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
    probe = (read[0] + str(ids[0]) + read[1], auth)
    hdr = f'hdr = {{["Authorization"] = {lua_str(auth)}, ["Content-Type"] = "application/json"}}\n'
    # Only a sample of ids goes into the script; thousands are plenty to defeat caching.
    return probe, {
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
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    with open(a.data) as f:
        data = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        probe, lua = scripts(a.system, data)
        drain(a.addr, probe)  # whatever an earlier run left behind
        for name, body in lua.items():
            if a.only and name not in a.only.split(","):
                continue
            path = os.path.join(tmp, name + ".lua")
            with open(path, "w") as f:
                f.write(body + DONE)
            # A short unrecorded run first: pretix's workers load the application on their
            # first request, and both systems should be measured warm.
            drained = 0.0
            for secs in (a.warmup, a.duration):
                if secs <= 0:
                    continue
                out = wrk(a, path, secs)
                drained = drain(a.addr, probe)
            figures = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
            row = {"system": a.system, "backend": a.backend, "scenario": name, **figures}
            row["requests_per_connection"] = round(figures["requests"] / a.connections, 1)
            row["drain_s"] = round(drained, 1)
            print(json.dumps(row), flush=True)


def drain(addr: str, probe) -> float:
    """Wait until the server has finished the requests queued by the last wrk run: send one
    authenticated read at a time until one is answered within a second (a probe queues behind
    the leftovers, so its latency is the time they still need). Returns the seconds waited."""
    path, auth = probe
    start = time.monotonic()
    while time.monotonic() - start < 600:
        t = time.monotonic()
        req = urllib.request.Request(f"http://{addr}{path}", headers={"Authorization": auth})
        with urllib.request.urlopen(req, timeout=300) as r:
            r.read()
        if time.monotonic() - t < 1.0:
            break
    return time.monotonic() - start


def wrk(a, path: str, secs: int) -> str:
    cmd = ["wrk", f"-t{a.threads}", f"-c{a.connections}", f"-d{secs}s", "--timeout", "30s"]
    cmd += ["-s", path, f"http://{a.addr}"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    main()
