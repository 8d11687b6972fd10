#!/usr/bin/env bash
# 57 — Citus: code of a table's owner that runs inside a superuser's
# create_distributed_table() of that table, on the workers, while the
# listguard_owner proof is offered (a shard operation called by a
# superuser). owner1 (a worker-side table owner, CREATE on public) makes
# t57 with a CHECK constraint and an expression index calling its own
# function spy(), which writes current_user, session_user,
# application_name and current_setting('listguard.citus_proof', true) into a
# local table on each worker; a superuser then distributes t57 (it has rows).
# Then any proof found is replayed as listguard_owner on a worker.
# (Observed: Citus copies the rows over connections as the calling
# superuser, so the owner's code runs as the superuser there.)
# Secure outcome: spy() never sees a proof (it runs as owner1 or the
#   proof setting is unreadable), and no listguard_owner login.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
at coordinator -c "GRANT CREATE ON SCHEMA public TO owner1" >/dev/null 2>&1
for w in worker1 worker2; do
    at $w -c "SET citus.enable_ddl_propagation = off" -c "GRANT CREATE ON SCHEMA public TO owner1" >/dev/null 2>&1
    at $w -U owner1 -c "DROP TABLE IF EXISTS public.loot57" -c "CREATE TABLE public.loot57 (at timestamptz DEFAULT now(), cu text, su text, app text, proof text)" \
        -c "GRANT INSERT ON public.loot57 TO PUBLIC" >/dev/null 2>&1
done
at coordinator -U owner1 -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
DROP TABLE IF EXISTS public.t57;
CREATE OR REPLACE FUNCTION public.spy(x int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $f$
BEGIN
  BEGIN
    INSERT INTO public.loot57 (cu, su, app, proof)
      VALUES (current_user, session_user, current_setting('application_name'), current_setting('listguard.citus_proof', true));
  EXCEPTION WHEN others THEN
    BEGIN INSERT INTO public.loot57 (cu, su, app, proof) VALUES (current_user, session_user, 'error', SQLERRM); EXCEPTION WHEN others THEN NULL; END;
  END;
  RETURN true;
END $f$;
CREATE OR REPLACE FUNCTION public.spy_i(x int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $f$ BEGIN RETURN public.spy(x); END $f$;
CREATE TABLE public.t57 (id int PRIMARY KEY, v int CHECK (public.spy(v)));
CREATE INDEX t57_spy ON public.t57 ((public.spy_i(id)));
INSERT INTO public.t57 SELECT g, g FROM generate_series(1, 4) g;
SQL
out=$(at coordinator -c "SELECT create_distributed_table('public.t57', 'id')" 2>&1)
echo "superuser distributes t57: $(echo "$out" | tr '\n' ' ' | cut -c1-200)"
found=0; ran_as=
for w in worker1 worker2; do
    echo "$w: $(at $w -c "SELECT string_agg(DISTINCT cu || '/' || su || ' app=' || app || ' proof=' || coalesce(left(proof, 60), 'NULL'), '; ') FROM public.loot57" 2>&1)"
    ran_as="$ran_as $(at $w -c "SELECT string_agg(DISTINCT cu, ',') FROM public.loot57" 2>/dev/null)"
    while read -r pr app; do
        [ -n "$pr" ] || continue
        gpid=$(echo "$app" | grep -o 'gpid=[0-9]*' | cut -d= -f2)
        for p in $(echo "$pr" | tr ',' ' '); do
            login=$(PGAPPNAME="citus_internal gpid=$gpid" PGOPTIONS="-c listguard.citus_proof=$pr" at $w -U listguard_owner -c "SELECT current_user" 2>/dev/null)
            [ "$login" = listguard_owner ] && found=1
        done
    done < <(at $w -F ' ' -c "SELECT DISTINCT proof, replace(app, ' ', '_') FROM public.loot57 WHERE proof LIKE 'lgp%'" 2>/dev/null)
done
at coordinator -c "DROP TABLE IF EXISTS public.t57" >/dev/null 2>&1
if [ "$found" = 1 ]; then
    echo "RESULT: FINDING (H): a table owner's code inside a superuser's create_distributed_table() read a listguard_owner proof that logs in"
elif echo "$ran_as" | grep -q postgres; then
    echo "RESULT: FINDING (L): no proof read (the setting shows '(set)'), but the table owner's CHECK/index code ran as the superuser on the workers ($ran_as) inside create_distributed_table()"
else
    echo "RESULT: held"
fi
