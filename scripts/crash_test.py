#!/usr/bin/env python3
"""Crash test: kill the server with SIGKILL at random moments under concurrent write
load, restart it, and verify that nothing acknowledged was lost and no invariant broke.

    python3 scripts/crash_test.py --backend sqlite   [--kills 5] [--binary target/debug/cxc]
    python3 scripts/crash_test.py --backend postgres  (starts a throwaway PostgreSQL; also
                                                        runs two servers on one database)

Checks, after the last restart:
  * every request that got a 2xx is in the database, with its outbox email;
  * a call's places_taken / budget_committed_cents equal what its approved applications
    hold, and never exceed places / budget;
  * SQLite passes PRAGMA integrity_check; `cxc audit verify` finds every history intact;
  * with two servers on PostgreSQL, no email is delivered twice.
Standard library only (Python 3.11).
"""
import argparse, email, json, os, random, re, shutil, signal, smtpd, asyncore, socket, subprocess, sys
import tempfile, threading, time, urllib.error, urllib.request, uuid, warnings
from datetime import date, datetime, timedelta, timezone

warnings.filterwarnings("ignore", category=DeprecationWarning)
PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None, headers=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and r.headers.get_content_type().endswith("json") else raw), r.headers
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw), e.headers
        except ValueError:
            return e.code, raw, e.headers


class Sink(smtpd.SMTPServer):
    """A real SMTP server that records Message-IDs and the verification links."""
    def __init__(self, addr):
        super().__init__(addr, None, decode_data=True)
        self.ids = []
        self.tokens = {}

    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        for line in data.splitlines():
            if line.lower().startswith("message-id:"):
                self.ids.append(line.split(":", 1)[1].strip())
                break
        msg = email.message_from_string(data)
        for part in msg.walk():
            if part.get_content_type() == "text/plain":
                text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
                m = re.search(r"verify-email\?token=([A-Za-z0-9_-]+)", text)
                if m:
                    for r in rcpttos:
                        self.tokens[r.lower()] = m.group(1)


def start_sink():
    port = free_port()
    sink = Sink(("127.0.0.1", port))
    threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True).start()
    return sink, port


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cxc-crash-pg-")
        self.port = free_port()
        root = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if root else []
        if root:
            shutil.chown(self.dir, "postgres", "postgres")
        data = os.path.join(self.dir, "data")
        subprocess.run(self.prefix + ["initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        subprocess.run(self.prefix + ["pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-o", opts, "-w", "start"], check=True, stdout=subprocess.DEVNULL)
        self.data = data
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-c", "CREATE DATABASE cxc"], check=True, stdout=subprocess.DEVNULL)
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/cxc"

    @staticmethod
    def hex_id(col):
        return f"replace(CAST({col} AS TEXT), '-', '')"

    def query(self, sql):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "cxc", "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True)
        return [l.split("\t") for l in out.stdout.splitlines() if l]

    def stop(self):
        subprocess.run(self.prefix + ["pg_ctl", "-D", self.data, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Sqlite:
    def __init__(self, workdir):
        self.path = os.path.join(workdir, "cxc.db")
        self.url = f"sqlite://{self.path}?mode=rwc"

    @staticmethod
    def hex_id(col):
        # sqlx stores UUIDs as 16-byte blobs in SQLite.
        return f"lower(hex({col}))"

    def query(self, sql):
        import sqlite3
        con = sqlite3.connect(self.path)
        try:
            return [[str(c) if c is not None else "" for c in row] for row in con.execute(sql).fetchall()]
        finally:
            con.close()


class Server:
    def __init__(self, binary, env, port, log):
        self.binary, self.env, self.port, self.log = binary, env, port, log
        self.base = f"http://127.0.0.1:{port}"
        self.proc = None

    def start(self):
        env = dict(self.env, APP__SERVER__PORT=str(self.port))
        self.proc = subprocess.Popen([self.binary, "serve"], env=env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 120  # generous: CI machines are shared and slow
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if call(self.base, "GET", "/health", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.log.flush()
        with open(self.log.name, "rb") as f:
            tail = f.read()[-4000:].decode(errors="replace")
        raise SystemExit(f"server on port {self.port} did not start (exit code {self.proc.poll()}); log tail:\n{tail}")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


def login(base, email):
    s, b, _ = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert s == 200, (s, b)
    return b["token"]


SINK = None


def register(base, address):
    """Registers, follows the link in the verification mail (caught by the sink), logs in."""
    s, b, _ = call(base, "POST", "/api/v1/auth/register", {"email": address, "password": PASSWORD, "full_name": "Crash Tester", "locale": "en"})
    assert s == 201, (s, b)
    for _ in range(400):
        token = SINK.tokens.get(address.lower())
        if token:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"no verification mail for {address}")
    s, v, _ = call(base, "POST", "/api/v1/auth/verify-email", {"token": token})
    assert s == 200, (s, v)
    return b["id"], login(base, address)


def org(name, country, lat, lon, profile, clusters):
    return {"name": name, "country": country, "city": "City", "latitude": lat, "longitude": lon, "profile": profile,
            "eccp_profile_url": "https://clustercollaboration.eu/" + name.lower().replace(" ", "-"),
            "cluster_ids": clusters, "headcount": 20, "annual_turnover_cents": 100000000, "balance_sheet_total_cents": 80000000,
            "sectors": ["energy"], "competencies": ["optics"]}


def create(base, path, body, token):
    s, b, h = call(base, "POST", path, body, token)
    assert s == 201, (path, s, b)
    return b


def setup(base, admin_email, places, n_apps, tag=""):
    admin = login(base, admin_email)
    coord_id, _ = register(base, f"coordinator{tag}@crash.test")
    host_id, host = register(base, f"host{tag}@crash.test")
    lt = create(base, "/api/v1/organisations", org("Cluster LT", "LT", 54.69, 25.28, "cluster_organisation", []), admin)["id"]
    dk = create(base, "/api/v1/organisations", org("Cluster DK", "DK", 55.68, 12.57, "cluster_organisation", []), admin)["id"]
    p = create(base, "/api/v1/partnerships", {"name": "BIGINN" + tag, "grant_agreement": "101037928", "programme": "COSME", "budget_cents": 49626100,
               "starts_on": "2022-02-01", "ends_on": "2030-01-31", "partners": [{"organisation_id": lt, "role": "coordinator"}, {"organisation_id": dk, "role": "partner"}]}, admin)["id"]
    s, b, _ = call(base, "PUT", f"/api/v1/users/{coord_id}/role", {"role": "coordinator", "partnership_id": p}, admin)
    assert s == 200, b
    coord = login(base, f"coordinator{tag}@crash.test")
    now = datetime.now(timezone.utc)
    c = create(base, f"/api/v1/partnerships/{p}/calls", {"title": "Crash call", "opens_at": (now - timedelta(days=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat(),
               "budget_cents": 40000000, "places": places, "min_working_days": 3, "max_days": 31, "lump_sum_default_cents": 80000,
               "lump_sums_by_host_country": {"DK": 110000}}, coord)["id"]
    host_org = create(base, "/api/v1/organisations", org("Host DK", "DK", 56.16, 10.20, "sme", [dk]), host)["id"]
    start = date.today() + timedelta(days=42)
    while start.weekday() != 0:
        start += timedelta(days=1)
    apps = []
    for i in range(n_apps):
        _, tok = register(base, f"applicant{tag}{i}@crash.test")
        v = create(base, "/api/v1/organisations", org(f"Visitor {i}", "LT", 54.9, 23.9, "sme", [lt]), tok)["id"]
        a = create(base, f"/api/v1/calls/{c}/applications", {"organisation_id": v, "host_organisation_id": host_org,
                   "participant": {"full_name": f"P {i}", "email": f"p{i}@crash.test", "nationality": "LT", "base_country": "LT"},
                   "start_date": start.isoformat(), "end_date": (start + timedelta(days=4)).isoformat(), "objectives": "Crash testing"}, tok)["id"]
        for path, t in ((f"/api/v1/applications/{a}/submit", tok), (f"/api/v1/applications/{a}/host-response", host)):
            s, b, _ = call(base, "POST", path, {"response": "accept"} if "host" in path else {}, t)
            assert s == 200, (path, s, b)
        s, b, h = call(base, "POST", f"/api/v1/applications/{a}/review", {}, coord)
        assert s == 200, b
        apps.append((a, h["etag"]))
    return coord, c, apps


class Load:
    """Writers that record only what the server acknowledged with a 2xx."""
    def __init__(self, servers, coord, apps):
        self.servers, self.coord, self.apps = servers, coord, list(apps)
        self.users, self.approved, self.lock, self.stop = [], [], threading.Lock(), threading.Event()
        self.attempts = 0

    def base(self):
        return random.choice(self.servers).base

    def registrar(self):
        while not self.stop.is_set():
            email = f"load-{uuid.uuid4().hex}@crash.test"
            try:
                s, _, _ = call(self.base(), "POST", "/api/v1/auth/register", {"email": email, "password": PASSWORD, "full_name": "Load", "locale": "en"}, timeout=5)
            except OSError:
                time.sleep(0.05)
                continue
            with self.lock:
                self.attempts += 1
                if s == 201:
                    self.users.append(email)

    def approver(self):
        while not self.stop.is_set():
            with self.lock:
                if not self.apps:
                    return
                app, etag = random.choice(self.apps)
            try:
                s, _, _ = call(self.base(), "POST", f"/api/v1/applications/{app}/decision", {"decision": "approve"}, self.coord, {"if-match": etag}, timeout=5)
            except OSError:
                time.sleep(0.05)
                continue
            with self.lock:
                self.attempts += 1
                if s == 200:
                    self.approved.append(app)
                if s in (200, 409, 412):
                    self.apps = [x for x in self.apps if x[0] != app] if s == 200 else self.apps

    def run(self):
        threads = [threading.Thread(target=f, daemon=True) for f in [self.registrar] * 4 + [self.approver] * 4]
        for t in threads:
            t.start()
        return threads


def verify(db, load, call_id, places, binary, env):
    failures = []
    users = {r[0] for r in db.query("SELECT email FROM users")}
    # A registration commits the account and its verification mail together (the welcome
    # mail follows verification, which the load's accounts never do).
    welcome = {r[0] for r in db.query("SELECT to_email FROM outbox WHERE kind = 'verify_email'")}
    lost = [u for u in load.users if u not in users]
    no_mail = [u for u in load.users if u not in welcome]
    if lost:
        failures.append(f"{len(lost)} acknowledged registrations are missing, e.g. {lost[:3]}")
    if no_mail:
        failures.append(f"{len(no_mail)} acknowledged registrations have no verification email")
    call_hex = call_id.replace("-", "")
    rows = db.query(f"SELECT {db.hex_id('id')}, status, grant_cents FROM applications WHERE {db.hex_id('call_id')} = '{call_hex}'")
    by_id = {r[0]: r for r in rows}
    approved_rows = [r for r in rows if r[1] == "approved"]
    for a in load.approved:
        r = by_id.get(a.replace("-", ""))
        if r is None or r[1] != "approved":
            failures.append(f"acknowledged approval of {a} is not in the database ({r})")
    if len(approved_rows) < len(load.approved):
        failures.append(f"{len(load.approved)} approvals acknowledged but only {len(approved_rows)} approved rows")
    taken, committed, budget, cap = db.query(f"SELECT places_taken, budget_committed_cents, budget_cents, places FROM calls WHERE {db.hex_id('id')} = '{call_hex}'")[0]
    grants = sum(int(r[2] or 0) for r in approved_rows)
    if int(taken) != len(approved_rows) or int(committed) != grants:
        failures.append(f"call counters ({taken} places, {committed} cents) differ from approved applications ({len(approved_rows)}, {grants})")
    if int(taken) > int(cap) or int(committed) > int(budget):
        failures.append(f"call over-committed: {taken}/{cap} places, {committed}/{budget} cents")
    decided = {r[0] for r in db.query(f"SELECT {db.hex_id('subject_id')} FROM outbox WHERE kind = 'decision_approved'")}
    if any(r[0] not in decided for r in approved_rows):
        failures.append(f"{len(approved_rows)} approvals but {decisions} decision emails")
    if isinstance(db, Sqlite):
        check = db.query("PRAGMA integrity_check")
        if check != [["ok"]]:
            failures.append(f"integrity_check: {check}")
    audit = subprocess.run([binary, "audit", "verify"], env=env, capture_output=True, text=True)
    if audit.returncode != 0:
        failures.append("audit verify: " + audit.stdout + audit.stderr)
    return failures, len(approved_rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--binary", default="target/debug/cxc")
    ap.add_argument("--places", type=int, default=10)
    ap.add_argument("--applications", type=int, default=24)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="cxc-crash-")
    pg = Postgres() if args.backend == "postgres" else None
    db = pg or Sqlite(work)
    global SINK
    sink, smtp_port = start_sink()
    SINK = sink
    env = dict(os.environ, APP_ENV="crash", APP_CONFIG_DIR=work, APP__DATABASE__URL=db.url, APP__EMAIL__TRANSPORT="smtp",
               APP__EMAIL__SMTP_URL=f"smtp://127.0.0.1:{smtp_port}", APP__TELEMETRY__FILTER="warn", APP__DISPATCHER__POLL_INTERVAL_MS="100",
               APP__HTTP__THROTTLE__REGISTER_CLIENT__FREE="10000000",
               APP__HTTP__THROTTLE__LOGIN_CLIENT__FREE="10000000")
    log = open(os.path.join(work, "server.log"), "ab")
    admin = "admin@crash.test"
    subprocess.run([binary, "admin", "create", "--email", admin, "--password-stdin"], input=PASSWORD.encode(), env=env, check=True, stdout=subprocess.DEVNULL)
    server = Server(binary, env, free_port(), log)
    server.start()
    coord, call_id, apps = setup(server.base, admin, args.places, args.applications)
    load = Load([server], coord, apps)
    threads = load.run()
    kills = 0
    for _ in range(args.kills):
        time.sleep(random.uniform(0.3, 1.5))
        server.kill()
        kills += 1
        server.start()
    time.sleep(1.0)
    load.stop.set()
    for t in threads:
        t.join(timeout=10)
    server.stop()
    failures, approved = verify(db, load, call_id, args.places, binary, env)
    print(f"[{args.backend}] kills survived: {kills}; acknowledged writes verified: {len(load.users)} registrations, {len(load.approved)} approvals "
          f"({load.attempts} requests); approved in DB: {approved}/{args.places} places")
    if pg:
        failures += two_servers(binary, env, pg, log, sink, admin)
        pg.stop()
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        print("server log:", os.path.join(work, "server.log"))
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("OK")


def two_servers(binary, env, pg, log, sink, admin, places=6, n_apps=14):
    """Two processes on one PostgreSQL under load: invariants hold, no email twice."""
    a, b = Server(binary, env, free_port(), log), Server(binary, env, free_port(), log)
    a.start()
    b.start()
    sink.ids.clear()
    pg.query("UPDATE outbox SET status = 'sent' WHERE status <> 'sent'")
    coord, call_id, apps = setup(a.base, admin, places, n_apps, tag="-two")
    load = Load([a, b], coord, apps)
    threads = load.run()
    time.sleep(5)
    load.stop.set()
    for t in threads:
        t.join(timeout=10)
    for _ in range(300):
        if pg.query("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")[0][0] == "0":
            break
        time.sleep(0.1)
    a.stop()
    b.stop()
    failures, approved = verify(pg, load, call_id, places, binary, env)
    failures = [f"two servers: {f}" for f in failures]
    sent = int(pg.query("SELECT COUNT(*) FROM outbox WHERE kind = 'verify_email' AND to_email LIKE 'load-%'")[0][0])
    dupes = len(sink.ids) - len(set(sink.ids))
    if dupes:
        failures.append(f"two servers: {dupes} emails delivered twice")
    if len(set(sink.ids)) < len(load.users):
        failures.append(f"two servers: {len(load.users)} registrations but {len(set(sink.ids))} emails delivered")
    print(f"[postgres, 2 servers] {len(load.users)} registrations and {len(load.approved)} approvals acknowledged; "
          f"approved in DB: {approved}/{places} places; {len(sink.ids)} emails delivered, {dupes} duplicates, {sent} verification rows")
    return failures


if __name__ == "__main__":
    main()
