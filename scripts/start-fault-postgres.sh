#!/usr/bin/env bash
# A private PostgreSQL the fault suite may restart (never the shared test server on 55432).
# Run as root. Idempotent.
#
#   start-fault-postgres.sh [start]   start it (or leave it running); prints the environment to export
#   start-fault-postgres.sh restart   stop it (fast: open connections are terminated) and start it again
#   start-fault-postgres.sh stop      stop it
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=/var/tmp/berth-fault-pg
PGPORT=55439
ctl() { su postgres -c "$PGBIN/pg_ctl -D $PGDATA $*" >/dev/null; }

start() {
  if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p $PGPORT; then
    if [ ! -f $PGDATA/PG_VERSION ]; then
      rm -rf $PGDATA; mkdir -p $PGDATA; chown postgres:postgres $PGDATA
      su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres" >/dev/null
    fi
    ctl "-o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $PGDATA/server.log -w start"
  fi
  echo "export BERTH_FAULT_DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
}

stop() {
  if [ -f $PGDATA/postmaster.pid ]; then ctl "-m fast -w stop" || true; fi
}

case "${1:-start}" in
  start) start ;;
  restart) stop; start ;;
  stop) stop ;;
  *) echo "usage: $0 [start|restart|stop]" >&2; exit 2 ;;
esac
