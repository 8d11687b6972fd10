#!/usr/bin/env bash
# Debian's pgbouncer (1.18) in transaction mode, on loopback, in front of a
# server with listguard (docs/poolers.md). Two roles share one server
# connection: a shared login (app, NOINHERIT) whose transactions start with
# SET LOCAL ROLE (or set_config('role', ..., true)), pool size 1, four
# clients at once; then per-role pools
# (alice and bob log in as themselves, two clients each). No reveal right,
# quota charge or audit attribution crosses between them: each transaction
# sees what its role's grant allows, quota_usage charges each grant exactly
# its role's clear values, and audit_log's current_user_name (and
# session_user_name, application_name) name the right role and client. Also: a session-level SET ROLE
# does cross into the next client's transaction (the hazard the docs warn
# of) unless server_reset_query_always = 1; psycopg 3 must be told not to
# prepare statements (pgbouncer 1.18 cannot pool them); and from_networks
# judges the pooler's connection to the server, not the application's.
set -u
cd "$(dirname "$0")/../.."
. test/cluster/lib/servers.sh
. test/cluster/lib/tap.sh
echo "1..18"

PYTHON=/usr/bin/python3
ROUNDS=6 # as in pgbouncer_clients.py
bouncer_port() { echo $((SERVERS_BASE_PORT + 1 + $1)); } # 0: plain, 1: server_reset_query_always (no standbys here)
cleanup() {
    for pidfile in "$SERVERS_DIR"/pgbouncer-*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
    done
    sleep 0.2
    servers_cleanup
}
trap cleanup EXIT

if ! command -v pgbouncer >/dev/null; then
    for i in $(seq 18); do echo "not ok $i - pgbouncer is not installed (apt-get install pgbouncer)"; done
    exit 1
fi

primary_init "listen_addresses = '127.0.0.1'" "max_connections = 40"
pgport=$(port_of primary)
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -v ON_ERROR_STOP=1 >/dev/null 2>"$SERVERS_DIR/setup.err" <<'SQL'
CREATE EXTENSION listguard;
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE support;
CREATE ROLE netrole LOGIN;
-- The pooler's shared login: a member of each role it switches to, and
-- NOINHERIT, so that it has none of their grants until SET LOCAL ROLE.
CREATE ROLE app LOGIN NOINHERIT IN ROLE alice, bob, support;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
INSERT INTO subs SELECT g, 1, 10, 'a1.' || g || '@example.com' FROM generate_series(1, 10) g;
INSERT INTO subs SELECT 100 + g, 2, 20, 'a2.' || g || '@example.com' FROM generate_series(1, 10) g;
SELECT listguard.protect('subs', 'account_id', 'list_id');
GRANT SELECT ON subs TO alice, bob, support, netrole, app;
SELECT listguard.grant_access('alice', 1, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('bob', 2, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('support', NULL);
SELECT listguard.grant_access('netrole', NULL, reveal => 'clear', from_networks => '{127.0.0.1/32}');
SQL

# pgbouncer_start N RESET_ALWAYS: transaction pooling, one server connection
# per pool; database esp reaches the server over its Unix socket, esp_tcp
# over 127.0.0.1.
printf '"%s" ""\n' app alice bob netrole | as_server tee "$SERVERS_DIR/pgbouncer-users.txt" >/dev/null
pgbouncer_start() {
    local ini="$SERVERS_DIR/pgbouncer-$1.ini"
    as_server tee "$ini" >/dev/null <<INI
[databases]
esp = host=$SERVERS_DIR port=$pgport dbname=esp
esp_tcp = host=127.0.0.1 port=$pgport dbname=esp
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $(bouncer_port "$1")
unix_socket_dir =
auth_type = trust
auth_file = $SERVERS_DIR/pgbouncer-users.txt
pool_mode = transaction
default_pool_size = 1
reserve_pool_size = 0
max_client_conn = 50
server_reset_query = DISCARD ALL
server_reset_query_always = $2
logfile = $SERVERS_DIR/pgbouncer-$1.log
pidfile = $SERVERS_DIR/pgbouncer-$1.pid
INI
    as_server pgbouncer -d "$ini" || return 1
    for _ in $(seq 100); do
        psql -X -q -A -t -h 127.0.0.1 -p "$(bouncer_port "$1")" -U app -d esp -c "SELECT 1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
pgbouncer_start 0 0 && pgbouncer_start 1 1 || { echo "# pgbouncer did not start"; cat "$SERVERS_DIR"/pgbouncer-*.log | tail -5 | sed 's/^/# /'; }

used() { on primary -c "SELECT coalesce(sum(used), 0) FROM listguard.quota_usage WHERE role = '$1'::regrole"; }
last_event() { on primary -c "SELECT coalesce(max(id), 0) FROM listguard.audit_log"; }
# reveals_since ID: "current_user|session_user|application_name|account|clear values"
# per group of clear_reveal events.
reveals_since() {
    for _ in $(seq 100); do
        [ "$(on primary -c "SELECT listguard.audit_pending()")" = 0 ] && break
        sleep 0.1
    done
    on primary -c "SELECT string_agg(format('%s|%s|%s|%s|%s', current_user_name, session_user_name, application_name,
                                            account, n), ' ' ORDER BY current_user_name)
                   FROM (SELECT current_user_name, session_user_name, application_name, account,
                                sum((counts ->> 'clear')::int) n
                         FROM listguard.audit_log WHERE kind = 'clear_reveal' AND id > $1 GROUP BY 1, 2, 3, 4) s"
}
value() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2-; }

# 1. A shared login, SET LOCAL ROLE per transaction.
alice0=$(used alice) bob0=$(used bob) event0=$(last_event)
out=$($PYTHON test/cluster/pgbouncer_clients.py "$(bouncer_port 0)" shared 2>&1)
check "$(value shared_server_connections)" 1 "shared login: every transaction of the four clients ran on one server connection"
check "$(value shared_alice_sees) $(value shared_alice_runs_as)" "ok app/alice" \
    "shared login: SET LOCAL ROLE alice sees account 1 in clear, nothing else"
check "$(value shared_bob_sees) $(value shared_bob_runs_as)" "ok app/bob" \
    "shared login: set_config('role', 'bob', true) sees account 2 in clear, nothing else"
check "$(value shared_support_sees) $(value shared_support_runs_as)" "ok app/support" \
    "shared login: SET LOCAL ROLE support sees every account masked"
check "$(value shared_app_sees) $(value shared_app_runs_as)" "ok app/app" \
    "shared login: a transaction without SET LOCAL ROLE runs as the login and sees no row"
check "$(($(used alice) - alice0)) $(($(used bob) - bob0))" "$((ROUNDS * 10)) $((ROUNDS * 10))" \
    "shared login: quota_usage charges each grant its own role's clear values"
check "$(reveals_since "$event0")" "alice|app|client-alice|1|$((ROUNDS * 10)) bob|app|client-bob|2|$((ROUNDS * 10))" \
    "shared login: clear_reveal events name the role that read, the login, the client's application_name, the account, the count"

# 2. Per-role pools: alice and bob log in as themselves, two clients each.
alice0=$(used alice) bob0=$(used bob) event0=$(last_event)
out=$($PYTHON test/cluster/pgbouncer_clients.py "$(bouncer_port 0)" per_role 2>&1)
check "$(value per_role_alice1_sees) $(value per_role_alice2_sees) $(value per_role_alice1_runs_as)" "ok ok alice/alice" \
    "per-role pools: alice's clients see account 1 in clear, nothing else"
check "$(value per_role_bob1_sees) $(value per_role_bob2_sees) $(value per_role_bob2_runs_as)" "ok ok bob/bob" \
    "per-role pools: bob's clients see account 2 in clear, nothing else"
check "$(value per_role_alice_server_connections) $(value per_role_bob_server_connections)" "1 1" \
    "per-role pools: each role's two clients share its one server connection"
check "$(($(used alice) - alice0)) $(($(used bob) - bob0))" "$((2 * ROUNDS * 10)) $((2 * ROUNDS * 10))" \
    "per-role pools: quota_usage charges each grant its own role's clear values"
check "$(reveals_since "$event0")" "alice|alice|client-alice|1|$((2 * ROUNDS * 10)) bob|bob|client-bob|2|$((2 * ROUNDS * 10))" \
    "per-role pools: clear_reveal events name the role that read, its account and count"

# 3. The hazard: a session-level SET ROLE outlives its transaction.
out=$($PYTHON test/cluster/pgbouncer_clients.py "$(bouncer_port 0)" hazard 2>&1)
check "$(value hazard_next_runs_as) $(value hazard_next_sees)" "alice a1.1@example.com" \
    "the hazard: after a session-level SET ROLE, the next client's transaction runs as that role (docs/poolers.md)"
out=$($PYTHON test/cluster/pgbouncer_clients.py "$(bouncer_port 1)" hazard 2>&1)
check "$(value hazard_next_runs_as) $(value hazard_next_sees)" "app nothing" \
    "with server_reset_query_always = 1 (DISCARD ALL after each transaction) it does not"

# 4. Protocol-level prepared statements: pgbouncer 1.18 does not pool them.
out=$($PYTHON test/cluster/pgbouncer_clients.py "$(bouncer_port 0)" prepared 2>&1)
check "$(value prepared_default)" DuplicatePreparedStatement \
    "psycopg 3's automatic prepared statements collide on a pooled server connection (pgbouncer 1.18)"
check "$(value prepared_off)" ok "with prepare_threshold=None they do not (docs/poolers.md)"

# 5. from_networks sees the pooler's connection to the server.
out=$($PYTHON test/cluster/pgbouncer_clients.py "$(bouncer_port 0)" networks 2>&1)
check "$(value networks_esp)" "a***@example.com via local" \
    "from_networks {127.0.0.1/32} through a pooler reaching the server over a Unix socket: masked"
check "$(value networks_esp_tcp)" "a1.1@example.com via 127.0.0.1" \
    "from_networks {127.0.0.1/32} through a pooler reaching the server from 127.0.0.1: clear"
printf '%s\n' "$out" | grep -v "=" | head -5 | sed 's/^/# /'
