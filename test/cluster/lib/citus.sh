# A Citus cluster on loopback for tests and benchmarks: a coordinator and
# workers (worker1, worker2, ...), shared_preload_libraries = 'citus,listguard',
# one keyring for all (made before any node starts: a node without one would
# make its own at CREATE EXTENSION). Source after lib/servers.sh; call
# citus_cleanup on exit (it stops the nodes, then servers_cleanup).

# citus_available: Citus is installed where the servers' PostgreSQL is.
citus_available() {
    [ -f "$("$PGBIN/pg_config" --pkglibdir)/citus.so" ] && [ -f "$("$PGBIN/pg_config" --sharedir)/extension/citus.control" ]
}

# Five TCP ports on loopback that nothing listens on (the nodes listen on
# 127.0.0.1: Citus's nodes reach each other by host and port).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 50); do
    port_free "$SERVERS_BASE_PORT" && port_free $((SERVERS_BASE_PORT + 1)) && port_free $((SERVERS_BASE_PORT + 2)) &&
        port_free $((SERVERS_BASE_PORT + 3)) && port_free $((SERVERS_BASE_PORT + 4)) && break
    SERVERS_BASE_PORT=$((20000 + RANDOM % 20000))
done

# node_port NAME: coordinator, worker1, worker2, ...
node_port() {
    case $1 in
        coordinator) echo "$SERVERS_BASE_PORT" ;;
        worker*) echo $((SERVERS_BASE_PORT + ${1#worker})) ;;
    esac
}
# at NAME psql-args...: psql against that node.
at() { local name=$1; shift; psql -X -q -A -t -h "$SERVERS_DIR" -p "$(node_port "$name")" "$@"; }

CITUS_KEYRING=$SERVERS_DIR/cluster.keyring
make_cluster_keyring() {
    {
        echo "# listguard keyring"
        echo "index $(openssl rand -hex 32)"
        echo "seal $(openssl rand -hex 32)"
    } | as_server tee "$CITUS_KEYRING" >/dev/null
    as_server chmod 600 "$CITUS_KEYRING"
}

# node_init NAME [extra postgresql.conf lines...]: a node with database esp
# and the citus extension in it, started.
node_init() {
    local name=$1; shift
    [ -f "$CITUS_KEYRING" ] || make_cluster_keyring
    as_server "$PGBIN/initdb" -D "$SERVERS_DIR/$name" -A trust -U postgres --no-locale -E UTF8 >/dev/null
    {
        echo "port = $(node_port "$name")"
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = '$SERVERS_DIR'"
        echo "shared_preload_libraries = 'citus,listguard'"
        echo "listguard.key_file = '$CITUS_KEYRING'"
        echo "cluster_name = '$name'"
        echo "max_prepared_transactions = 100"
        echo "wal_level = logical"
        echo "listguard.quota_save_interval = 200"
        for line in "$@"; do echo "$line"; done
    } | as_server tee -a "$SERVERS_DIR/$name/postgresql.conf" >/dev/null
    node_start "$name"
    at "$name" -d postgres -c "CREATE DATABASE esp" >/dev/null
    at "$name" -d esp -c "CREATE EXTENSION citus" >/dev/null
}
node_start() { as_server "$PGBIN/pg_ctl" -D "$SERVERS_DIR/$1" -l "$SERVERS_DIR/$1.log" -w -t 60 start >/dev/null; }
node_stop() { as_server "$PGBIN/pg_ctl" -D "$SERVERS_DIR/$1" -m fast -w stop >/dev/null 2>&1 || true; }

# citus_cluster_init WORKERS [extra postgresql.conf lines...]: the
# coordinator and that many workers, added to it; CREATE EXTENSION listguard
# on the coordinator (Citus creates it on the workers).
citus_cluster_init() {
    local workers=$1; shift
    node_init coordinator "$@"
    for i in $(seq "$workers"); do node_init "worker$i" "$@"; done
    {
        echo "SELECT citus_set_coordinator_host('127.0.0.1', $(node_port coordinator));"
        for i in $(seq "$workers"); do echo "SELECT citus_add_node('127.0.0.1', $(node_port "worker$i"));"; done
        echo "CREATE EXTENSION listguard;"
    } | at coordinator -d esp -v ON_ERROR_STOP=1 >/dev/null
}

citus_cleanup() {
    for dir in "$SERVERS_DIR"/worker*/ "$SERVERS_DIR"/coordinator/; do
        [ -f "$dir/PG_VERSION" ] && node_stop "$(basename "$dir")"
    done
    servers_cleanup
}
