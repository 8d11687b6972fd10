#!/usr/bin/env bash
# attack7: makes a private server for the principal scripts 74-: initdb in
# $PGHOST/data (default /tmp/atk7, port 5860), listguard preloaded, database
# esp from principals_setup.sql. Then: PGBIN=... PGHOST=/tmp/atk7 PGPORT=5860
# test/attacks/74_....sh (principals_env.sh reads the same variables).
set -eu
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
export PGBIN PGHOST PGPORT
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
asuser=(); [ "$(id -u)" = 0 ] && asuser=(runuser -u postgres --)   # initdb refuses root
"${asuser[@]}" "$PGBIN/pg_ctl" -D "$PGHOST/data" stop -m fast >/dev/null 2>&1 || true
rm -rf "$PGHOST/data"; mkdir -p "$PGHOST"; [ "$(id -u)" = 0 ] && chown postgres "$PGHOST"
"${asuser[@]}" "$PGBIN/initdb" -D "$PGHOST/data" -U postgres -A trust >/dev/null
"${asuser[@]}" tee -a "$PGHOST/data/postgresql.conf" >/dev/null <<CONF
shared_preload_libraries = 'listguard'
port = $PGPORT
unix_socket_directories = '$PGHOST'
listen_addresses = ''
max_parallel_workers_per_gather = 2
CONF
"${asuser[@]}" "$PGBIN/pg_ctl" -D "$PGHOST/data" -l "$PGHOST/log" -w start >/dev/null
sleep 3   # assertions issued in the first seconds after a start are refused
"$PGBIN/createdb" -U postgres esp
"$PGBIN/psql" -X -q -U postgres -d esp -v ON_ERROR_STOP=1 \
    -v app_key="$(cat "$ROOT/test/principals/webapp.pub")" -v other_key="$(cat "$ROOT/test/principals/other.pub")" \
    -f "$ROOT/test/attacks/principals_setup.sql" >/dev/null
echo "server up: PGHOST=$PGHOST PGPORT=$PGPORT"
