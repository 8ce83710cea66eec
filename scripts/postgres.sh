#!/usr/bin/env bash
# A throwaway PostgreSQL server for the situation-centre tests, on 127.0.0.1 only.
#
#   bash scripts/postgres.sh start   # prints the SQLAlchemy URL on its last line
#   bash scripts/postgres.sh stop
#
# The server runs from Debian's PostgreSQL binaries (initdb, pg_ctl) with its data in
# $TILANNEKUVA_PG_DIR (default /tmp/tilannekuva-pg), trust authentication on the loopback
# address and port $TILANNEKUVA_PG_PORT (default 54329). PostgreSQL refuses to run as root, so
# when this script runs as root it runs the server as the `postgres` user. Nothing here is for
# production: a county runs its own PostgreSQL.
set -euo pipefail
DIR="${TILANNEKUVA_PG_DIR:-/tmp/tilannekuva-pg}"
PORT="${TILANNEKUVA_PG_PORT:-54329}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  echo "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; install postgresql" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  OWNER=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  OWNER="$(id -un)"
  as_owner() { "$@"; }
fi

case "${1:-}" in
  start)
    if [ ! -s "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"
      chown "$OWNER" "$DIR"
      chmod 700 "$DIR"
      as_owner "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >/dev/null
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      # Many short connections from racing test clients: room for 200 of them.
      as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200 -c fsync=off" \
        >/dev/null
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    if [ -s "$DIR/PG_VERSION" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
