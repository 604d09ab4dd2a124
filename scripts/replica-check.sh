#!/usr/bin/env bash
# make replica-check: start a real streaming replica of the local PostgreSQL on another port, point
# DATABASE_REPLICA_URL at it and check that reports, exports and statistics read there while every
# write stays on the primary. Not part of CI (it starts a second cluster); everything it makes is
# removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${REPLICA_PORT:-5433}
DB=${REPLICA_CHECK_DB:-replica_check}
VERSION=$(ls /etc/postgresql)
PGBIN=/usr/lib/postgresql/$VERSION/bin
HBA=/etc/postgresql/$VERSION/main/pg_hba.conf
WORK=$(mktemp -d /tmp/chengguan-replica.XXXXXX)
chown postgres "$WORK"
as_postgres() { runuser -u postgres -- "$@"; }

cleanup() {
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The primary must accept a replication connection from this machine.
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
  echo "adding 'host replication all 127.0.0.1/32 trust' to $HBA (local check only)"
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  psql -h 127.0.0.1 -U postgres -d postgres -qAtc "SELECT pg_reload_conf()" >/dev/null
fi

psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DB" >/dev/null

echo "== base backup of the primary, replica on port $PORT"
as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -U postgres -D "$WORK/data" -R -X stream -c fast
# Debian keeps a cluster's configuration in /etc, so the copy has none of its own: give it the least.
as_postgres tee "$WORK/data/postgresql.conf" >/dev/null <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
hot_standby = on
CONF
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$WORK/data/pg_hba.conf" >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/replica.log" -w \
  start >/dev/null || { cat "$WORK/replica.log"; exit 1; }

export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$PORT/$DB
export CHENGGUAN_DATA_DIR=$WORK/var
echo "== migrate the primary, load a small district"
.venv/bin/chengguan migrate --noinput -v0
.venv/bin/chengguan demo --size small --if-empty -v0
.venv/bin/python scripts/replica_check.py
