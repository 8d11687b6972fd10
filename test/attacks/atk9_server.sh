#!/usr/bin/env bash
# attack9: a private server for the canary scripts 96-: initdb in
# $PGHOST/data (default /tmp/atk9, port 5931), listguard preloaded, canary
# domains set in postgresql.conf. Then PGBIN=... test/attacks/96_....sh
# (atk9_env.sh reads the same variables; each script makes its database).
set -eu
: "${PGBIN:=/tmp/pg-atk9/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk9}" "${PGPORT:=5931}"
asuser=(); [ "$(id -u)" = 0 ] && asuser=(runuser -u postgres --)   # initdb refuses root
"${asuser[@]}" "$PGBIN/pg_ctl" -D "$PGHOST/data" stop -m fast >/dev/null 2>&1 || true
rm -rf "$PGHOST/data"; mkdir -p "$PGHOST"; [ "$(id -u)" = 0 ] && chown postgres "$PGHOST"
"${asuser[@]}" "$PGBIN/initdb" -D "$PGHOST/data" -U postgres -A trust >/dev/null
"${asuser[@]}" tee -a "$PGHOST/data/postgresql.conf" >/dev/null <<CONF
shared_preload_libraries = 'listguard'
port = $PGPORT
unix_socket_directories = '$PGHOST'
listen_addresses = ''
listguard.canary_domains = 'northmedia.net, pinehealth.com, vistasoft.io, quillbyte.org'
CONF
"${asuser[@]}" "$PGBIN/pg_ctl" -D "$PGHOST/data" -l "$PGHOST/log" -w start >/dev/null
sleep 3
echo "server up: PGHOST=$PGHOST PGPORT=$PGPORT"
