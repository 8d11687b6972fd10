#!/usr/bin/env bash
# 49 — Citus: a node added later carries no grantee label (sibling of 44).
#
# Tries: a third worker is added (citus_add_node: the coordinator sends it
# the catalog in that transaction). A CREATEROLE role made on that node
# only then grants itself a role that holds a clear grant, or changes its
# password; the node holds no shard yet, but the first rebalance or a new
# distributed table gives it some, and the role's grants already apply
# there.
# Secure outcome: every grantee is labelled on the new node as on the
# others; the CREATEROLE role is refused.
# Result: held. Every grantee is labelled on the added node (Citus copies
# the roles' security labels when it adds a node), so the lag of 44 is only
# on nodes that were members when the grant was made. The script leaves
# worker3 in the cluster; remove it with citus_remove_node() if unwanted.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
if [ ! -f "$SERVERS_DIR/worker3/PG_VERSION" ]; then
    node_init worker3 "citus.shard_count = 4" "log_min_messages = warning"
fi
[ -f "$SERVERS_DIR/worker3/postmaster.pid" ] || node_start worker3
at coordinator -c "SELECT citus_add_node('127.0.0.1', $(node_port worker3))" >/dev/null 2>&1
echo "grants on worker3: $(at worker3 -c "SELECT count(*) FROM listguard.grants"), coordinator: $(at coordinator -c "SELECT count(*) FROM listguard.grants")"
echo "grantee labels: coordinator $(at coordinator -c "SELECT count(*) FROM pg_shseclabel WHERE label = 'grantee'"), worker3 $(at worker3 -c "SELECT count(*) FROM pg_shseclabel WHERE label = 'grantee'")"
at worker3 -c "SET citus.enable_ddl_propagation = off" -c "DROP ROLE IF EXISTS w3dba" -c "CREATE ROLE w3dba LOGIN CREATEROLE" >/dev/null 2>&1
r1=$(at worker3 -U w3dba -c "SET citus.enable_ddl_propagation = off" -c "GRANT reader TO w3dba" 2>&1 | head -1)
r2=$(at worker3 -U w3dba -c "SET citus.enable_ddl_propagation = off" -c "ALTER ROLE app PASSWORD 'taken'" 2>&1 | head -1)
echo "on worker3, w3dba: GRANT reader TO w3dba: ${r1:-done}; ALTER ROLE app PASSWORD: ${r2:-done}"
echo "w3dba's roles on worker3: $(at worker3 -c "SELECT string_agg(b.rolname, ',') FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member JOIN pg_roles b ON b.oid = m.roleid WHERE a.rolname = 'w3dba'")"
at worker3 -c "SET citus.enable_ddl_propagation = off" -c "REVOKE reader FROM w3dba" -c "ALTER ROLE app PASSWORD NULL" >/dev/null 2>&1
[ -z "$r1$r2" ] && echo "RESULT: FINDING (H): no grantee labelled on the added node; its CREATEROLE role took reader's and app's rights" || echo "RESULT: held"
