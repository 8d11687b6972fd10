#!/usr/bin/env bash
# 63: a principal (5 clear a hour) reads 50 clear addresses through a
# parallel plan, hoping workers charge someone else (or no one).
# Secure outcome: the workers charge the principal's grant; the 6th clear
# value is refused (error names the principal, CONTEXT parallel worker).
# Result: held.
. "$(dirname "$0")/principals_env.sh"
p="acme:par$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '5/hour', principal => '$p')" >/dev/null
t=$("$A" webapp "$p")
U=webapp sq <<SQL
BEGIN; SELECT listguard.act_as('$t');
SET LOCAL parallel_setup_cost=0; SET LOCAL parallel_tuple_cost=0; SET LOCAL min_parallel_table_scan_size=0;
SET LOCAL force_parallel_mode=on; SET LOCAL enable_indexscan=off; SET LOCAL enable_bitmapscan=off;
SELECT count(*) FILTER (WHERE e LIKE 'reader%') AS clear_values FROM (SELECT email::text e FROM subscribers WHERE list_id=10) s;
COMMIT;
SQL
sq -c "SELECT principal, used, remaining FROM listguard.quota_usage WHERE principal = '$p'"
