#!/usr/bin/env bash
# Starts the services the test suite talks to for real: a private PostgreSQL 15 on 127.0.0.1.
# Prints the environment to export. Idempotent.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=/var/tmp/berth-test-pg
PGPORT=55432
if ! "$PGBIN/pg_isready" -h 127.0.0.1 -p $PGPORT >/dev/null 2>&1; then
  if [ ! -f $PGDATA/PG_VERSION ]; then
    rm -rf $PGDATA; mkdir -p $PGDATA; chown postgres:postgres $PGDATA
    su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -U postgres" >/dev/null
  fi
  su postgres -c "$PGBIN/pg_ctl -D $PGDATA -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' -l $PGDATA/server.log -w start" >/dev/null
fi
echo "export BERTH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
