# The principals example's servers, for examples/principals/run and
# test/cluster/principals.t: source test/cluster/lib/servers.sh first.
#
# example_start: a primary with listguard (servers.sh), the database "esp"
# (setup.sql), the app's key, and pgbouncer in front of it in transaction
# mode with ONE server connection, so that every client's transactions
# share it. Sets APP_DSN (the app, through pgbouncer), ADMIN_DSN (a
# superuser, directly), APP_KEY (the app's private key), BOUNCER_PORT.
# example_stop stops pgbouncer (servers_cleanup stops the servers).

EXAMPLE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}

example_start() {
    primary_init "$@"
    on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
    APP_KEY=$SERVERS_DIR/webapp.key
    "$PYTHON" "$EXAMPLE_DIR/app.py" keygen "$APP_KEY" > "$SERVERS_DIR/webapp.pub"
    PGOPTIONS="-c client_min_messages=error" on primary -v ON_ERROR_STOP=1 -v app_key="$(cat "$SERVERS_DIR/webapp.pub")" -f "$EXAMPLE_DIR/setup.sql" >/dev/null
    BOUNCER_PORT=$(port_of bouncer)
    BOUNCER_PORT=$((BOUNCER_PORT + 1))
    echo '"webapp" ""' | as_server tee "$SERVERS_DIR/userlist.txt" >/dev/null
    as_server tee "$SERVERS_DIR/pgbouncer.ini" >/dev/null <<INI
[databases]
esp = host=$SERVERS_DIR port=$(port_of primary) dbname=esp
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir = $SERVERS_DIR
auth_type = trust
auth_file = $SERVERS_DIR/userlist.txt
pool_mode = transaction
default_pool_size = 1
max_client_conn = 100
server_reset_query =
logfile = $SERVERS_DIR/pgbouncer.log
pidfile = $SERVERS_DIR/pgbouncer.pid
INI
    as_server pgbouncer -d -q "$SERVERS_DIR/pgbouncer.ini"
    for _ in $(seq 50); do
        psql -X -q -A -t -h 127.0.0.1 -p "$BOUNCER_PORT" -U webapp -d esp -c "SELECT 1" >/dev/null 2>&1 && break
        sleep 0.1
    done
    # A server refuses assertions issued before it started plus
    # listguard.assertion_leeway (2 s): it cannot know whether they were
    # used before (a crash loses its memory of them).
    sleep 3
    APP_DSN="host=127.0.0.1 port=$BOUNCER_PORT dbname=esp user=webapp"
    ADMIN_DSN="host=$SERVERS_DIR port=$(port_of primary) dbname=esp user=postgres"
}

example_stop() {
    [ -f "$SERVERS_DIR/pgbouncer.pid" ] && kill "$(cat "$SERVERS_DIR/pgbouncer.pid")" 2>/dev/null
    return 0
}
