#!/usr/bin/env bash
# pretix, the peer of the benchmark, set up the way its "small-scale manual deployment"
# guide describes production: a virtualenv with pretix and gunicorn from PyPI, a config
# file (DEBUG off), `migrate` + `rebuild`, redis for the cache, sessions and the celery
# broker, one celery worker, and gunicorn serving `pretix.wsgi` with the guide's flags
# (`--workers 5 --max-requests 1200 --max-requests-jitter 50`). No reverse proxy: our
# server is measured without one too. One addition, `--timeout 120`: a worker loads the
# application on its first request, which takes longer than gunicorn's default 30 s on a
# busy shared machine, and gunicorn would kill it mid-load again and again; and
# `--preload`, which loads the application once in the arbiter before forking, so the
# five workers do not each spend a minute importing pretix while being measured.
#
#   scripts/peer/pretix.sh install                  # venv under $PEER_HOME (once; cached)
#   scripts/peer/pretix.sh start sqlite|postgres    # config, migrate, rebuild, redis, celery, gunicorn
#   scripts/peer/pretix.sh stop                     # stops what start started
#
# Every pretix process (migrate, celery, gunicorn, and load_pretix.py via bench_peer.sh) runs
# with DJANGO_SETTINGS_MODULE=pretix_settings: pretix's own settings, unchanged on PostgreSQL;
# on SQLite (which pretix's guide does not support in production) with the SQLite settings
# our server uses, so that concurrent creates wait for the write lock instead of failing.
#
# PEER_HOME   cache and run directory       (default ~/.cache/cxc-peer)
# PEER_PORT   gunicorn port                 (default 18345)
# PEER_REDIS  redis port                    (default 18379)
# PEER_PG     PostgreSQL port from pg.sh    (postgres only; default 18432)
# PEER_WORKERS gunicorn workers             (default 5, the guide's figure)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${PEER_HOME:-$HOME/.cache/cxc-peer}"
port="${PEER_PORT:-18345}"
redis_port="${PEER_REDIS:-18379}"
pg_port="${PEER_PG:-18432}"
workers="${PEER_WORKERS:-5}"
venv="$home/venv"
run="$home/run"
py="$venv/bin/python"

install() {
    # The pinned set is installed once; a changed requirements file reinstalls.
    local stamp="$venv/.requirements.sha256"
    local want
    want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    command -v python3 >/dev/null || { echo "python3 (>= 3.11) is required" >&2; exit 1; }
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        { echo "pretix 2026.8 needs Python >= 3.11" >&2; exit 1; }
    if ! command -v redis-server >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "installing redis-server (Debian package)..." >&2
            apt-get install -y -qq redis-server >/dev/null 2>&1 ||
                { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
        else
            echo "redis-server is required (apt-get install redis-server)" >&2
            exit 1
        fi
    fi
    echo "installing pretix into $venv (a few minutes, once)..." >&2
    mkdir -p "$home"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --prefer-binary -r "$here/requirements.txt"
    echo "$want" >"$stamp"
}

config() {
    local backend="$1"
    mkdir -p "$run/data/media"
    {
        cat <<EOF
[pretix]
instance_name=cxc peer benchmark
url=http://127.0.0.1:$port
currency=EUR
datadir=$run/data

[django]
debug=off
secret=cxc-peer-benchmark-not-a-secret

[mail]
from=tickets@example.invalid
host=127.0.0.1
port=1

[redis]
location=redis://127.0.0.1:$redis_port/0
sessions=true

[celery]
backend=redis://127.0.0.1:$redis_port/1
broker=redis://127.0.0.1:$redis_port/2

EOF
        if [ "$backend" = postgres ]; then
            cat <<EOF
[database]
backend=postgresql
name=pretix
user=postgres
password=
host=127.0.0.1
port=$pg_port
EOF
        else
            cat <<EOF
[database]
backend=sqlite3
name=$run/data/db.sqlite3
EOF
        fi
    } >"$run/pretix.cfg"
}

# A consistent copy of a SQLite file through SQLite itself (no server runs yet, but the
# WAL may hold pages).
sqlite3_copy() {
    "$py" -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' "$1" "$2"
}

wait_http() {
    local url="$1"
    for _ in $(seq 1 120); do
        # 401 (no token) is pretix answering from a loaded worker; 000/5xx are not.
        case "$(curl -s -o /dev/null -w '%{http_code}' --max-time 150 "$url")" in
        200 | 401) return 0 ;;
        esac
        sleep 0.5
    done
    echo "pretix did not answer on $url; see $run/gunicorn.log" >&2
    exit 1
}

start() {
    local backend="$1"
    install
    stop # a previous run that was interrupted
    rm -rf "$run"
    mkdir -p "$run"
    config "$backend"
    export PRETIX_CONFIG_FILE="$run/pretix.cfg"
    # pretix's settings plus, on SQLite only, the SQLite connection settings our server uses
    # (see pretix_settings.py: without them concurrent creates fail with "database is locked").
    export DJANGO_SETTINGS_MODULE=pretix_settings PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$run/redis.pid" --logfile "$run/redis.log"
    # pretix has ~300 migrations (minutes on a busy machine). The first start keeps the
    # freshly migrated empty schema as a template next to the venv (it belongs to this exact
    # install); later starts restore it and `migrate` then finds nothing to do.
    local template="$venv/.template-$backend"
    if [ -f "$template" ]; then
        if [ "$backend" = postgres ]; then
            pg_restore -h 127.0.0.1 -p "$pg_port" -U postgres -d pretix --no-owner "$template"
        else
            cp "$template" "$run/data/db.sqlite3"
        fi
    fi
    (cd "$run" && "$py" -m pretix migrate >"$run/migrate.log" 2>&1) ||
        { tail -20 "$run/migrate.log" >&2; exit 1; }
    if [ ! -f "$template" ]; then
        if [ "$backend" = postgres ]; then
            pg_dump -Fc -h 127.0.0.1 -p "$pg_port" -U postgres pretix >"$template.tmp"
        else
            sqlite3_copy "$run/data/db.sqlite3" "$template.tmp"
        fi
        mv "$template.tmp" "$template"
    fi
    # `rebuild` compiles static files and translations; cached across runs of one install.
    if [ ! -f "$venv/.rebuilt" ]; then
        (cd "$run" && "$py" -m pretix rebuild >"$run/rebuild.log" 2>&1) ||
            { tail -20 "$run/rebuild.log" >&2; exit 1; }
        touch "$venv/.rebuilt"
    fi
    (cd "$run" && exec "$venv/bin/celery" -A pretix.celery_app worker -l warning --concurrency 1 \
        >"$run/celery.log" 2>&1) &
    echo $! >"$run/celery.pid"
    (cd "$run" && exec "$venv/bin/gunicorn" pretix.wsgi --name pretix --workers "$workers" \
        --max-requests 1200 --max-requests-jitter 50 --timeout 120 --preload --log-level=warning \
        --bind "127.0.0.1:$port" >"$run/gunicorn.log" 2>&1) &
    echo $! >"$run/gunicorn.pid"
    wait_http "http://127.0.0.1:$port/api/v1/"
}

stop() {
    for p in gunicorn celery; do
        if [ -f "$run/$p.pid" ]; then
            kill "$(cat "$run/$p.pid")" 2>/dev/null || true
        fi
    done
    if [ -f "$run/redis.pid" ]; then
        kill "$(cat "$run/redis.pid")" 2>/dev/null || true
    fi
    # gunicorn's arbiter takes its workers down with it; wait for it to be gone.
    for p in gunicorn celery; do
        if [ -f "$run/$p.pid" ]; then
            local pid
            pid="$(cat "$run/$p.pid")"
            for _ in $(seq 1 40); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.25
            done
            # A worker still loading the application ignores the graceful stop.
            if kill -0 "$pid" 2>/dev/null; then
                pkill -9 -P "$pid" 2>/dev/null || true
                kill -9 "$pid" 2>/dev/null || true
            fi
            rm -f "$run/$p.pid"
        fi
    done
}

case "${1:-}" in
install) install ;;
start) start "${2:?sqlite or postgres}" ;;
stop) stop ;;
*)
    echo "usage: $0 install | start sqlite|postgres | stop" >&2
    exit 2
    ;;
esac
