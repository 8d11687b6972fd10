#!/usr/bin/env bash
# 47 — Citus: spotting canaries in a distributed table.
#
# Tries: a canary planted for reader in list 12 (account 1). Other roles
# look for it: row counts per shard (run_command_on_shards with
# pg_stat_user_tables.n_live_tup), EXPLAIN ANALYZE through Citus (the
# worker's "Rows Removed by Filter"), the canary registry on a worker
# (listguard.canaries, the catalog function _citus_catalog()), equality
# lookups of the canary address through the coordinator and on the worker,
# an INSERT by app of the canary address into the same list (write
# outcome), the transit tokens of the registry.
# Secure outcome: nothing beyond what limitations.md lists for one server
# (n_live_tup minus count(*) says how many rows are hidden, not which;
# ids skip; Rows Removed by Filter counts).
# Result: held. Per shard, the documented count oracles narrow hidden rows
# to a shard (here: a list, the distribution column), not to a row; the
# registry and catalog are refused to ordinary roles; lookups of the
# canary address find nothing; app's INSERT of it succeeds like any
# address. (With 40's captured proof, listguard_owner opens the shard's
# row policy: then every role sees every canary row. See 40.)
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
if [ "$(at coordinator -c "SELECT count(*) FROM listguard.canaries WHERE role IS NOT NULL")" = 0 ]; then
    at coordinator -c "SELECT listguard.add_canary_addresses(ARRAY['maria.lopez77@gmail.com', 'kevin.hall31@yahoo.com'])" \
        -c "SELECT listguard.plant_canaries('subs', 1, 12, ARRAY['reader']::regrole[], 1)" >/dev/null
fi
read -r shard node < <(shard_of 12)
echo "count(*) through the coordinator: reader $(at coordinator -U reader -c "SELECT count(*) FROM subs WHERE list_id = 12"), viewer $(at coordinator -U viewer -c "SELECT count(*) FROM subs WHERE list_id = 12"), app $(at coordinator -U app -c "SELECT count(*) FROM subs WHERE list_id = 12")"
echo "n_live_tup per shard (viewer): $(at coordinator -U viewer -c "SELECT string_agg(result, ' ') FROM run_command_on_shards('subs', \$\$SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = '%s'::regclass\$\$)")"
echo "EXPLAIN ANALYZE (viewer): $(at coordinator -U viewer -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM subs WHERE list_id = 12" | grep -o 'Rows Removed by Filter: [0-9]*')"
bad=0
for r in viewer app outsider; do
    e1=$(at "$node" -U $r -c "SET citus.override_table_visibility = off" -c "SELECT count(*) FROM listguard.canaries" 2>&1 | grep -c 'permission denied')
    e2=$(at coordinator -U $r -c "SELECT listguard._citus_catalog(NULL)" 2>&1 | grep -c 'permission denied')
    l1=$(at coordinator -U $r -c "SELECT count(*) FROM subs WHERE email = 'maria.lopez77@gmail.com' OR email = 'kevin.hall31@yahoo.com'")
    l2=$(at "$node" -U $r -c "SELECT count(*) FROM $shard WHERE email = 'maria.lopez77@gmail.com' OR email = 'kevin.hall31@yahoo.com'" 2>&1)
    echo "$r: registry on $node refused $e1, catalog refused $e2, lookups of the canary addresses: coordinator $l1, $node ${l2}"
    [ "$e1$e2" = 11 ] && [ "$l1" = 0 ] && [ "$l2" = 0 ] || bad=1
done
echo "reader's own lookup: $(at coordinator -U reader -c "SELECT count(*) FROM subs WHERE email = 'maria.lopez77@gmail.com' OR email = 'kevin.hall31@yahoo.com'")"
ins=$(at coordinator -U app -c "INSERT INTO subs (account_id, list_id, email) VALUES (1, 12, 'maria.lopez77@gmail.com'), (1, 12, 'kevin.hall31@yahoo.com')" 2>&1)
echo "app inserts the canary addresses into list 12: ${ins:-ok}"
at coordinator -c "DELETE FROM subs WHERE list_id = 12 AND id > (SELECT max(id) - 2 FROM subs) AND account_id = 1" >/dev/null 2>&1
[ $bad = 0 ] && echo "RESULT: held (documented count oracles only)" || echo "RESULT: FINDING"
