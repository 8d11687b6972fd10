#!/usr/bin/env bash
# 108 — Citus: 107 without owning the database. Citus's connections keep
# the default search_path "$user", public, so a schema named after the
# role Citus connects as comes first. mig, a role with CREATE on the
# database (a migration role; GRANT CREATE ON DATABASE reaches the workers),
# creates on the coordinator schemas "listguard_owner" and "postgres"
# (Citus creates them on every node) with a worker_apply_shard_ddl_command(int,
# text) that records current_user, copies the keyring file when it runs as a
# superuser, and calls pg_catalog's. Then a superuser distributes a table
# and moves a shard of the protected table subs.
# Secure outcome: mig's functions never run in Citus's connections (or
#   mig may not create schemas named after listguard_owner or a superuser).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
cleanup() {
    at coordinator -c "DROP SCHEMA IF EXISTS listguard_owner CASCADE" -c "DROP SCHEMA IF EXISTS postgres CASCADE" \
        -c "DROP TABLE IF EXISTS t108" >/dev/null 2>&1
    for n in worker1 worker2; do
        at $n -c "SET citus.enable_ddl_propagation = off" -c "DROP SCHEMA IF EXISTS listguard_owner CASCADE" \
            -c "DROP SCHEMA IF EXISTS postgres CASCADE" -c "DROP TABLE IF EXISTS public.loot108" >/dev/null 2>&1
    done
}
cleanup
at coordinator -c "DO \$\$ BEGIN CREATE ROLE mig LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
    -c "GRANT CREATE ON DATABASE esp TO mig" >/dev/null 2>&1
# Where the loot goes: a table on each worker, open for inserts.
for n in worker1 worker2; do
    at $n -c "SET citus.enable_ddl_propagation = off" -c "CREATE TABLE public.loot108 (fn text, cu text, secret text)" \
        -c "GRANT INSERT, SELECT ON public.loot108 TO PUBLIC" >/dev/null 2>&1
done
made=$(at coordinator -U mig -v ON_ERROR_STOP=1 2>&1 <<'SQL'
CREATE SCHEMA listguard_owner;
CREATE SCHEMA postgres;
GRANT USAGE ON SCHEMA listguard_owner, postgres TO PUBLIC;
CREATE FUNCTION listguard_owner.worker_apply_shard_ddl_command(shardid int, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE s text;
BEGIN
  IF current_setting('is_superuser') = 'on' THEN
    BEGIN s := left(pg_read_file(current_setting('listguard.key_file')), 30); EXCEPTION WHEN others THEN s := SQLERRM; END;
  END IF;
  BEGIN INSERT INTO public.loot108 VALUES ('apply2', current_user, s); EXCEPTION WHEN others THEN NULL; END;
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, cmd);
END $f$;
CREATE FUNCTION postgres.worker_apply_shard_ddl_command(shardid int, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE s text;
BEGIN
  IF current_setting('is_superuser') = 'on' THEN
    BEGIN s := left(pg_read_file(current_setting('listguard.key_file')), 30); EXCEPTION WHEN others THEN s := SQLERRM; END;
  END IF;
  BEGIN INSERT INTO public.loot108 VALUES ('apply2', current_user, s); EXCEPTION WHEN others THEN NULL; END;
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, cmd);
END $f$;
GRANT EXECUTE ON FUNCTION listguard_owner.worker_apply_shard_ddl_command(int, text), postgres.worker_apply_shard_ddl_command(int, text) TO PUBLIC;
SQL
)
echo "mig creates the schemas and functions: ${made:-ok}" | head -3
echo "on worker1: $(at worker1 -c "SELECT string_agg(n.nspname || '.' || p.proname, ', ') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'worker_apply_shard_ddl_command' AND n.nspname <> 'pg_catalog'")"
echo "a) superuser distributes t108: $(at coordinator -c "CREATE TABLE t108 (id int PRIMARY KEY, v text)" -c "SELECT create_distributed_table('t108', 'id')" 2>&1 | grep -c ERROR) errors"
w1=$(at coordinator -c "SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port worker1)")
w2=$(at coordinator -c "SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port worker2)")
sid=$(at coordinator -c "SELECT p.shardid FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'subs'::regclass AND p.groupid = (SELECT groupid FROM pg_dist_node WHERE nodeid = $w2) LIMIT 1")
mv=$(at coordinator -c "SELECT citus_move_shard_placement($sid, $w2, $w1, 'block_writes')" 2>&1 | grep ERROR | head -1)
echo "b) superuser moves subs shard $sid worker2 -> worker1: ${mv:-ok}"
for n in worker1 worker2; do
    echo "$n: $(at $n -c "SELECT string_agg(DISTINCT cu || coalesce(' secret=' || replace(secret, E'\n', ' '), ''), '; ') FROM public.loot108")"
done
su=0; ow=0
for n in worker1 worker2; do
    su=$((su + $(at $n -c "SELECT count(*) FROM public.loot108 WHERE cu = 'postgres' AND secret LIKE '%keyring%'" 2>/dev/null || echo 0)))
    ow=$((ow + $(at $n -c "SELECT count(*) FROM public.loot108 WHERE cu = 'listguard_owner'" 2>/dev/null || echo 0)))
done
at coordinator -c "SELECT citus_move_shard_placement($sid, $w1, $w2, 'block_writes')" >/dev/null 2>&1
cleanup
if [ "$su" -gt 0 ] || [ "$ow" -gt 0 ]; then
    echo "RESULT: FINDING (H): a role with CREATE on the database runs its code in Citus's connections through a schema named after their role: $su calls as the superuser (keyring read), $ow as listguard_owner"
else
    echo "RESULT: held"
fi
