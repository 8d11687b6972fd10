# Throwaway servers for tests and benchmarks that need more than one:
# a primary and hot standbys made with pg_basebackup -R, on this machine's
# loopback and Unix sockets in one temporary directory. As root, the servers
# run as the postgres user. Source this file; call servers_cleanup on exit.

PGBIN=${PGBIN:-$(pg_config --bindir)}
SERVERS_DIR=$(mktemp -d /tmp/listguard-servers.XXXXXX)
chmod 755 "$SERVERS_DIR"
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$SERVERS_DIR"
    as_server() { runuser -u postgres -- "$@"; }
else
    as_server() { "$@"; }
fi
export PGHOST=$SERVERS_DIR PGUSER=postgres PGDATABASE=esp
SERVERS_BASE_PORT=${SERVERS_BASE_PORT:-$((20000 + RANDOM % 20000))}

# port_of NAME: primary is the base port, standby1 the next, ...
port_of() {
    case $1 in
        primary) echo "$SERVERS_BASE_PORT" ;;
        standby*) echo $((SERVERS_BASE_PORT + ${1#standby})) ;;
        *) echo $((SERVERS_BASE_PORT + 10)) ;;
    esac
}

# on NAME psql-args...: psql against that server.
on() { local name=$1; shift; psql -X -q -A -t -p "$(port_of "$name")" "$@"; }

server_log() { echo "$SERVERS_DIR/$1.log"; }

server_start() { as_server "$PGBIN/pg_ctl" -D "$SERVERS_DIR/$1" -l "$(server_log "$1")" -w -t 60 start >/dev/null; }
server_stop() { as_server "$PGBIN/pg_ctl" -D "$SERVERS_DIR/$1" -m fast -w stop >/dev/null 2>&1 || true; }

# primary_init [extra postgresql.conf lines...]
primary_init() {
    as_server "$PGBIN/initdb" -D "$SERVERS_DIR/primary" -A trust -U postgres --no-locale -E UTF8 >/dev/null
    {
        echo "port = $(port_of primary)"
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$SERVERS_DIR'"
        echo "shared_preload_libraries = 'listguard'"
        echo "wal_level = logical"
        echo "max_wal_senders = 10"
        echo "max_replication_slots = 10"
        echo "cluster_name = 'primary'"
        echo "listguard.quota_save_interval = 200"
        for line in "$@"; do echo "$line"; done
    } | as_server tee -a "$SERVERS_DIR/primary/postgresql.conf" >/dev/null
    echo "local replication all trust" | as_server tee -a "$SERVERS_DIR/primary/pg_hba.conf" >/dev/null
    server_start primary
}

# standby_init NAME [extra lines...]: a base backup of the primary, started.
standby_init() {
    local name=$1; shift
    as_server "$PGBIN/pg_basebackup" -h "$SERVERS_DIR" -p "$(port_of primary)" -U postgres -D "$SERVERS_DIR/$name" \
        -R -X stream -c fast >/dev/null
    {
        echo "port = $(port_of "$name")"
        echo "cluster_name = '$name'"
        for line in "$@"; do echo "$line"; done
    } | as_server tee -a "$SERVERS_DIR/$name/postgresql.auto.conf" >/dev/null
    server_start "$name"
}

# wait_replayed NAME: the standby has replayed everything the primary wrote.
wait_replayed() {
    local lsn
    lsn=$(on primary -d postgres -c "SELECT pg_current_wal_lsn()")
    for _ in $(seq 300); do
        [ "$(on "$1" -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
        sleep 0.05
    done
    return 1
}

# count_reaches NAME MIN SQL: runs SQL (one number) on NAME until it is at
# least MIN, or has not grown for 15 s (a loaded machine ships slowly, a
# lost event never arrives); prints the last number.
count_reaches() {
    local got=0 last=-1 still=0
    for _ in $(seq 1800); do
        got=$(on "$1" -c "$3" 2>/dev/null)
        [ "${got:-0}" -ge "$2" ] && break
        if [ "${got:-0}" = "$last" ]; then still=$((still + 1)); else still=0; last=${got:-0}; fi
        [ "$still" -ge 150 ] && break
        sleep 0.1
    done
    echo "${got:-0}"
}

servers_cleanup() {
    for dir in "$SERVERS_DIR"/*/; do
        [ -f "$dir/PG_VERSION" ] && server_stop "$(basename "$dir")"
    done
    rm -rf "$SERVERS_DIR"
}
