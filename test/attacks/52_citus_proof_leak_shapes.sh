#!/usr/bin/env bash
# 52 — Citus: other shapes of 51 (a proof for another role left in
# PGOPTIONS when a Citus connection opens), and listguard_owner on the
# coordinator.
#
# Tries, each in one statement of an ordinary role's backend whose last
# planning before master_run_on_worker() to a fake server is not the
# attacker's (see 51): a) a SECURITY DEFINER function a listguard admin
# made and granted (a helper such as DBAs write; its body plans as adm);
# b) listguard.explain_access() on oneself; c) a masked SELECT of the
# protected table (viewer); d) an INSERT (app, the audit trigger);
# e) listguard.request_access(), a gated function open to PUBLIC; f) the
# same in one plain SQL statement (request_access() in the port argument).
# Each capture is replayed as listguard_owner on a worker. Then, with a
# listguard_owner proof, on the coordinator: ALTER POLICY on the
# distributed table itself (Citus sends it to every shard), with the
# application_name prefix citus_rebalancer (citus_internal may not run
# distributed DDL).
# Secure outcome: every capture holds one proof, for the attacker's role;
#   listguard_owner is refused everywhere.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
at coordinator -d esp -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DROP FUNCTION IF EXISTS public.adm_helper();
SET ROLE adm;
CREATE FUNCTION public.adm_helper() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT count(*)::int * 0 FROM pg_catalog.pg_class WHERE false $$;
GRANT EXECUTE ON FUNCTION public.adm_helper() TO PUBLIC;
SQL
at coordinator -c "GRANT CREATE ON SCHEMA public TO adm" >/dev/null 2>&1
mk() { # role, body of the plpgsql step run before the connection
    cat <<SQL
CREATE FUNCTION pg_temp.grab() RETURNS int LANGUAGE plpgsql AS \$f\$
BEGIN
  BEGIN $1; EXCEPTION WHEN others THEN NULL; END;
  RETURN 0;
END \$f\$;
SELECT pg_temp.grab();
SELECT * FROM master_run_on_worker(ARRAY['127.0.0.1'], ARRAY[$FAKE_PORT + pg_temp.grab()], ARRAY['select 1'], false)
SQL
}
read -r shard node < <(shard_of 10)
owner_ok() { PGAPPNAME="citus_internal gpid=$2" PGOPTIONS="-c listguard.citus_proof=$1" at "$3" -U listguard_owner -c "SELECT current_user" 2>/dev/null; }
found=0; good_proof=; good_gpid=
try() { # label role step
    local p g n login
    read -r p g < <(ATTACKER=$2 capture_proof "$(mk "$3")")
    n=$(echo "$p" | tr ',' '\n' | grep -c .)
    login=$(owner_ok "$p" "$g" "$node")
    echo "$1 ($2): $n proof(s); listguard_owner on $node: ${login:-refused}"
    if [ "$login" = listguard_owner ]; then found=$((found + 1)); good_proof=$p; good_gpid=$g; fi
}
try "a) SECURITY DEFINER function of an admin" outsider "PERFORM public.adm_helper()"
try "b) explain_access() on oneself" outsider "PERFORM * FROM listguard.explain_access('outsider')"
try "c) masked SELECT of subs" viewer "PERFORM email::text FROM subs WHERE list_id = 10 LIMIT 1"
try "d) INSERT into subs" app "INSERT INTO subs (account_id, list_id, email) VALUES (2, 11, 'shape.d@example.com')"
try "e) request_access()" outsider "PERFORM listguard.request_access(1, 10, reason => 'x')"
# f) one plain statement, no function of one's own: request_access() in the port.
read -r fp fg < <(ATTACKER=outsider capture_proof "SELECT * FROM master_run_on_worker(ARRAY['127.0.0.1'], ARRAY[$FAKE_PORT + (listguard.request_access(1, 10, reason => 'x') * 0)::int], ARRAY['select 1'], false)")
login=$(owner_ok "$fp" "$fg" "$node")
echo "f) one plain statement with request_access() (outsider): $(echo "$fp" | tr ',' '\n' | grep -c .) proof(s); listguard_owner on $node: ${login:-refused}"
[ "$login" = listguard_owner ] && found=$((found + 1))
at coordinator -c "DELETE FROM subs WHERE email = 'shape.d@example.com'; DELETE FROM listguard.access_requests WHERE reason IN ('x', 'y')" >/dev/null 2>&1
if [ -n "$good_proof" ]; then
    before=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
    b=$(at coordinator -U outsider -c "SELECT count(*) FROM subs")
    # "citus_internal" sessions may not run distributed DDL; "citus_rebalancer" ones may.
    PGAPPNAME="citus_rebalancer gpid=$good_gpid" PGOPTIONS="-c listguard.citus_proof=$good_proof" at coordinator -U listguard_owner \
        -c "SET citus.allow_nested_distributed_execution = on" -c "ALTER POLICY listguard_read ON subs USING (true)" 2>&1 | head -2
    sample=$(at coordinator -U outsider -c "SELECT email FROM subs WHERE account_id = 2 ORDER BY id LIMIT 2" | tr '\n' ' ')
    a=$(at coordinator -U outsider -c "SELECT count(*) FROM subs")
    sleep 3
    echo "coordinator, listguard_owner: ALTER POLICY on subs: outsider sees $b -> $a rows ($sample); events: $(at coordinator -c "SELECT string_agg(kind || ' ' || coalesce(origin, 'coordinator'), ', ') FROM listguard.audit_log WHERE id > $before")"
    at coordinator -c "ALTER POLICY listguard_read ON subs USING (listguard.can_read(account_id, list_id, email))" >/dev/null
fi
at coordinator -c "DROP FUNCTION IF EXISTS public.adm_helper()" >/dev/null
if [ "$found" -gt 0 ]; then
    echo "RESULT: FINDING (H): $found of 6 shapes hand an ordinary role a listguard_owner proof"
else
    echo "RESULT: held"
fi
