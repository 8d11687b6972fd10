# Shared by the Citus attack scripts (40_*.sh and later): a coordinator and
# two workers from a private PostgreSQL copy (PGBIN), ports from 5810, data
# under /tmp/atk4/cl. `citus_env_up` starts the cluster and loads the fixture
# once (it is reused while /tmp/atk4/cl/ready exists); `at NODE psql-args`.
# Usage: . test/attacks/citus_env.sh; citus_env_up
export PGBIN=${PGBIN:-/tmp/pg-atk4/usr/lib/postgresql/15/bin}
export PATH=$PGBIN:$PATH
SERVERS_DIR=${SERVERS_DIR:-/tmp/atk4/cl}
SERVERS_BASE_PORT=${SERVERS_BASE_PORT:-5810}
FAKE_PORT=${FAKE_PORT:-5899}
ATK_DIR=$(dirname "$SERVERS_DIR") # the scripts' scratch files
mkdir -p "$SERVERS_DIR"; chmod 755 "$SERVERS_DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$SERVERS_DIR"; as_server() { runuser -u postgres -- "$@"; }; else as_server() { "$@"; }; fi
export PGHOST=$SERVERS_DIR PGUSER=postgres PGDATABASE=esp
servers_cleanup() { :; }
_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# citus.sh moves the base port if it is taken; a running cluster keeps it.
if [ -f "$SERVERS_DIR/ready" ]; then port_free() { return 0; }; fi
. "$_here/../cluster/lib/citus.sh"
[ -f "$SERVERS_DIR/ready" ] && SERVERS_BASE_PORT=$(cat "$SERVERS_DIR/ready")

citus_env_up() {
    if [ -f "$SERVERS_DIR/ready" ]; then
        for n in coordinator worker1 worker2; do
            [ -f "$SERVERS_DIR/$n/postmaster.pid" ] || node_start "$n"
        done
        return 0
    fi
    citus_cluster_init 2 "citus.shard_count = 4" "log_min_messages = warning"
    at coordinator -d esp -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE app LOGIN;       -- clear, writes, every account
CREATE ROLE reader LOGIN;    -- clear on account 1
CREATE ROLE viewer LOGIN;    -- masked on account 1
CREATE ROLE exporter LOGIN;  -- clear on account 1, 20 a day, fail when exceeded
CREATE ROLE outsider LOGIN;  -- no grant
CREATE ROLE owner1 LOGIN;    -- owned the table before protect()
CREATE ROLE adm LOGIN;       -- a listguard admin
GRANT listguard_admin TO adm;
GRANT USAGE ON SCHEMA listguard TO app, reader, viewer, exporter, outsider, owner1, adm;
CREATE TABLE subs (id bigserial, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email,
                   PRIMARY KEY (list_id, id));
ALTER TABLE subs OWNER TO owner1;
SELECT create_distributed_table('subs', 'list_id');
GRANT SELECT, INSERT ON subs TO app, reader, viewer, exporter, outsider;
GRANT USAGE ON SEQUENCE subs_id_seq TO app, reader;
INSERT INTO subs (account_id, list_id, email)
  SELECT 1 + g % 2, 10 + g % 8, 'member' || g || '@example.com' FROM generate_series(1, 160) g;
SQL
    at coordinator -d esp -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT listguard.protect('subs', 'account_id', 'list_id');
SELECT listguard.grant_access('app', NULL, reveal => 'clear', can_write => true);
SELECT listguard.grant_access('reader', 1, reveal => 'clear');
SELECT listguard.grant_access('viewer', 1);
SELECT listguard.grant_access('exporter', 1, reveal => 'clear', quota => '20/day');
SQL
    echo "$SERVERS_BASE_PORT" > "$SERVERS_DIR/ready"
}

# shard_of LIST_ID -> "shard_name node"
shard_of() {
    at coordinator -d esp -c "SELECT shard_name('subs', s), CASE n.nodeport WHEN $(node_port worker1) THEN 'worker1' ELSE 'worker2' END
        FROM (SELECT get_shard_id_for_distribution_column('subs', $1) s) x JOIN pg_dist_placement p ON p.shardid = x.s
        JOIN pg_dist_node n USING (groupid)" | tr '|' ' '
}

# capture_proof [SQL making Citus connect to 127.0.0.1:$FAKE_PORT] -> "PROOFS GPID"
# A fake TLS PostgreSQL server on $FAKE_PORT (5899) prints the startup packet of the
# connection Citus opens from the attacker's own backend.
capture_proof() {
    local got i
    for i in 1 2 3; do
        got=$(capture_proof_once "$@")
        [ -n "${got// /}" ] && break
        sleep 1
    done
    echo "$got"
}
capture_proof_once() {
    local sql=${1:-"SELECT * FROM master_run_on_worker(ARRAY['127.0.0.1'], ARRAY[$FAKE_PORT], ARRAY['select 1'], false)"}
    local dir=$ATK_DIR/fake; mkdir -p "$dir"
    [ -f "$dir/c.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/k.pem" -out "$dir/c.pem" -days 2 -subj /CN=fake 2>/dev/null
    python3 "$_here/lib/fake_pg_server.py" "$FAKE_PORT" 10 "$dir" >"$dir/caught" 2>"$dir/caught.err" &
    local pid=$!
    sleep 0.5
    at coordinator -U "${ATTACKER:-outsider}" -c "$sql" >/dev/null 2>&1
    wait "$pid"
    local line; line=$(cat "$dir/caught")
    echo "$(echo "$line" | grep -o 'listguard.citus_proof=[^ ]*' | cut -d= -f2) $(echo "$line" | grep -o 'gpid=[0-9]*' | cut -d= -f2)"
}
