#!/usr/bin/env bash
# 94 (attack7): acting for nobody through parallel workers and break-glass.
# (a) webapp, no principal, a forced parallel plan (debug: workers decide
#     as the leader?): masks expected.
# (b) request_access() without a principal: as webapp; after SET ROLE to a
#     role the application belongs to (lg_r81); from a SECURITY DEFINER
#     function owned by lg_r81; as jobs81 (a member of webapp) after SET
#     ROLE webapp; as jobs81 itself (asks for itself: its own right).
# Secure outcome: (a) masks; (b) LGP09 for every path that acts as, or
# through, the application (jobs81 itself may ask for itself).
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
sq >/dev/null 2>&1 <<'SQL'
CREATE ROLE lg_r81 NOLOGIN; CREATE ROLE jobs81 LOGIN;
GRANT SELECT ON subscribers TO lg_r81;
GRANT lg_r81 TO webapp; GRANT webapp TO jobs81;
CREATE SCHEMA r81 AUTHORIZATION lg_r81; GRANT USAGE ON SCHEMA r81 TO PUBLIC;
SET ROLE lg_r81;
CREATE FUNCTION r81.ask() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
  AS $$SELECT listguard.request_access(2, NULL, 'clear', '1 hour', 'attack7')$$;
RESET ROLE;
SQL
par=$(U=webapp sq -c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0" -c "SET force_parallel_mode = on" \
  -c "EXPLAIN (COSTS OFF) SELECT email::text FROM subscribers WHERE list_id = 10" -c "SELECT 'a parallel', count(*) FILTER (WHERE e NOT LIKE '%***%') AS clear_values, count(*) FROM (SELECT email::text e FROM subscribers) s" 2>&1)
echo "$par" | grep -E "Gather|Workers|^a parallel|ERROR"
req() { local r; r=$(U=$1 sq "${@:3}" 2>&1); if echo "$r" | grep -q "ERROR"; then echo "refused: $2: $(echo "$r" | grep ERROR | head -1 | cut -c1-90)"; else echo "ACCEPTED: $2: request $(echo "$r" | tail -1)"; fi; }
res=$(
req webapp "webapp" -c "SELECT listguard.request_access(2, NULL, 'clear', '1 hour', 'attack7')"
req webapp "webapp SET ROLE lg_r81" -c "SET ROLE lg_r81" -c "SELECT listguard.request_access(2, NULL, 'clear', '1 hour', 'attack7')"
req webapp "webapp via lg_r81's SECURITY DEFINER" -c "SELECT r81.ask()"
req jobs81 "jobs81 SET ROLE webapp" -c "SET ROLE webapp" -c "SELECT listguard.request_access(2, NULL, 'clear', '1 hour', 'attack7')"
req jobs81 "jobs81 SET ROLE lg_r81" -c "SET ROLE lg_r81" -c "SELECT listguard.request_access(2, NULL, 'clear', '1 hour', 'attack7')"
req jobs81 "jobs81 itself" -c "SELECT listguard.request_access(2, NULL, 'clear', '1 hour', 'attack7')"
)
echo "$res"
echo "requests made (admin view): $(sq -c "SELECT string_agg(format('%s by %s for %s (%s)', request_id, requester, grantee, state), ', ') FROM listguard.access_requests WHERE reason = 'attack7'" 2>&1 | head -1)"
for id in $(sq -c "SELECT request_id FROM listguard.access_requests WHERE reason = 'attack7' AND state = 'pending'"); do
    U=jobs81 sq -c "SET ROLE lg_r81" -c "SELECT listguard.cancel($id)" >/dev/null 2>&1; U=jobs81 sq -c "SELECT listguard.cancel($id)" >/dev/null 2>&1
done
sq >/dev/null 2>&1 <<'SQL'
DROP SCHEMA r81 CASCADE; REVOKE webapp FROM jobs81; REVOKE lg_r81 FROM webapp; REVOKE SELECT ON subscribers FROM lg_r81;
DROP ROLE jobs81; DROP ROLE lg_r81;
SQL
bad=$(echo "$par" | grep -E '^a parallel\|[1-9]'; echo "$res" | grep ACCEPTED | grep -v "jobs81 itself")
if [ -n "$bad" ]; then echo "FINDING:"; echo "$bad"; else echo "held"; fi
