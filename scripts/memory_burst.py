#!/usr/bin/env python3
"""Resident memory of the real server around a burst of registrations.

Starts `cxc serve` on SQLite (or PostgreSQL with --database-url), sends N registrations
from one client with C at a time, and prints the resident set size (VmRSS) before, the
peak (VmHWM), right after, and after a few seconds of rest. Exits 1 when the memory at
rest exceeds --limit-mb.

    python3 scripts/memory_burst.py --binary target/debug/cxc --count 1000 --limit-mb 150
"""
import argparse
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def register(base, i, run):
    body = json.dumps({
        "email": f"burst-{run}-{i}@example.test",
        "password": "correct horse battery staple",
        "full_name": f"Burst {i}",
        "locale": "en",
    }).encode()
    req = urllib.request.Request(base + "/api/v1/auth/register", data=body,
                                 headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/debug/cxc")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--rest", type=float, default=5.0)
    ap.add_argument("--limit-mb", type=float, default=150.0)
    ap.add_argument("--database-url", default=None)
    a = ap.parse_args()

    work = tempfile.mkdtemp()
    port = free_port()
    env = dict(os.environ)
    env.update({
        "APP_CONFIG_DIR": work,
        "APP__DATABASE__URL": a.database_url or f"sqlite://{work}/cxc.db?mode=rwc",
        "APP__EMAIL__FILE_DIR": f"{work}/mail",
        "APP__SERVER__PORT": str(port),
        "APP__TELEMETRY__FILTER": "warn",
        # The burst comes from one client: lift the per-client registration limit, or
        # 990 of the 1,000 would be 429s and the burst would hash ten passwords.
        "APP__HTTP__THROTTLE__REGISTER_CLIENT__FREE": "1000000",
    })
    server = subprocess.Popen([a.binary, "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        before = rss_mb(server.pid)
        run = int(time.time())
        t = time.time()
        with concurrent.futures.ThreadPoolExecutor(a.concurrency) as ex:
            statuses = list(ex.map(lambda i: register(base, i, run), range(a.count)))
        took = time.time() - t
        after = rss_mb(server.pid)
        time.sleep(a.rest)
        rest = rss_mb(server.pid)
        peak = rss_mb(server.pid, "VmHWM")
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        print(f"registrations: {a.count} in {took:.1f} s, statuses {counts}")
        print(f"RSS MB: before {before:.0f}, peak {peak:.0f}, after {after:.0f}, "
              f"after {a.rest:.0f} s rest {rest:.0f} (limit {a.limit_mb:.0f})")
        if counts != {201: a.count}:
            print("FAIL: every registration of the burst must be created (201)")
            return 1
        return 0 if rest <= a.limit_mb else 1
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
