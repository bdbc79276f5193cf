#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the peer benchmark: one server holds both systems'
# databases (`cxc` and `pretix`), so both meet the same database on the same machine.
#
#   scripts/peer/pg.sh start DIR PORT   # initdb + start; prints nothing, exits when ready
#   scripts/peer/pg.sh stop DIR         # fast shutdown and remove DIR
#
# initdb and postgres refuse to run as root, so as root they run as the `postgres` user
# (`runuser`), in a data directory that user owns. Trust authentication on 127.0.0.1 only.
set -euo pipefail

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    dir="$2" port="$3"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    # Settings of a small production server, not a durability-off toy: fsync stays on.
    as_pg pg_ctl -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" \
        start >/dev/null
    for db in cxc pretix; do
        as_pg psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
    done
    ;;
stop)
    dir="$2"
    if [ -d "$dir/data" ]; then
        as_pg pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
