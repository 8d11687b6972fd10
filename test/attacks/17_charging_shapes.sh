#!/usr/bin/env bash
# Round 3, 0.3 "charging only returned values": does any plan shape let a
# clear value leave the server without being charged to the grant's quota?
# For each query: the clear addresses the client received (counted in its
# output) against what quota_usage says was charged (after the transaction,
# when unused reservations are back).
# RESULT: held (31 shapes; a value charged once and shown again from a temp
# table or a materialised CTE counts once, by design).
# Expected secure outcome: charged >= delivered for every shape
# (over-charging is allowed, under-charging is a finding). Delivered counts
# distinct addresses: a value charged once may be shown again (temp table).
# Needs PGHOST, PGPORT (superuser postgres), the setup.sql fixture.
set -u
P="psql -X -q -d atk"
$P -U postgres >/dev/null 2>&1 <<'SQL'
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'a_cnt') THEN CREATE ROLE a_cnt LOGIN; END IF; END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON subs TO a_cnt;
GRANT USAGE ON SEQUENCE subs_id_seq TO a_cnt;
GRANT CREATE ON SCHEMA public TO a_cnt;
SELECT listguard.grant_access('a_cnt', 1, 11, reveal => 'clear', can_write => true, quota => '100000/day')
WHERE NOT EXISTS (SELECT FROM listguard.grants WHERE grantee = 'a_cnt'::regrole);
SQL
used() { $P -U a_cnt -At -c "select coalesce(sum(used),0) from listguard.quota_usage where role::text = 'a_cnt'"; }
run() {
  local name=$1 sql=$2
  local before after out delivered
  before=$(used)
  out=$(printf '%s\n' "$sql" | $P -U a_cnt -At 2>&1)
  after=$(used)
  delivered=$(printf "%s\n" "$out" | grep -oE "user[0-9]+@example\.com" | sort -u | wc -l)
  local charged=$((after - before))
  local verdict=held; [ "$charged" -lt "$delivered" ] && verdict=FINDING
  printf '%-28s delivered=%-4s charged=%-4s %s\n' "$name" "$delivered" "$charged" "$verdict"
  [ "$verdict" = FINDING ] && printf '   %s\n' "$(printf '%s' "$out" | head -c 300 | tr '\n' ' ')"
}
run plain            "select email from subs where id <= 5;"
run cte_mat          "with c as materialized (select email::text t from subs where id <= 5) select t from c, generate_series(1,3);"
run lateral          "select x from generate_series(1,3) g, lateral (select email::text x from subs where id = g) s;"
run srf_unnest       "select unnest(array_agg(email)) from subs where id <= 5;"
run srf_agg_text     "select unnest(array_agg(email::text)) from subs where id <= 5;"
run agg_order        "select string_agg(email::text, ',' order by id desc) from subs where id <= 5;"
run window_first     "select first_value(email::text) over (order by id) from subs where id <= 5;"
run window_lag       "select lag(email) over (order by id) from subs where id <= 6;"
run subplan          "select (select s2.email::text from subs s2 where s2.id = s.id) from subs s where id <= 5;"
run returning        "update subs set list_id = list_id where id <= 5 returning email;"
run returning_text   "update subs set list_id = list_id where id <= 5 returning email::text;"
run copy_query       "copy (select email from subs where id <= 5) to stdout;"
run copy_query_bin   "\\copy (select email from subs where id <= 5) to '/dev/stdout' with (format csv)"
run cursor_hold      "begin; declare c cursor with hold for select email from subs where id <= 5; commit; fetch all from c;"
run cursor_hold_text "begin; declare c cursor with hold for select email::text from subs where id <= 5; commit; fetch all from c;"
run record_out       "select s from subs s where id <= 5;"
run json_agg         "select json_agg(s) from subs s where id <= 5;"
run to_jsonb         "select to_jsonb(email) from subs where id <= 5;"
run format           "select format('%s', email) from subs where id <= 5;"
run xml              "select query_to_xml('select email from subs where id <= 5', false, false, '');"
run distinct_on      "select distinct on (list_id) email from subs where id <= 5 order by list_id, id;"
run group_having     "select min(id), email::text from subs where id <= 5 group by 2;"
run parallel         "set parallel_setup_cost=0; set parallel_tuple_cost=0; set min_parallel_table_scan_size=0; set max_parallel_workers_per_gather=2; select email::text from subs where id <= 5;"
run ctas_text        "create temp table t1 as select email::text e from subs where id <= 5; select e from t1;"
run ctas_email       "create temp table t2 as select email from subs where id <= 5; select e from (select email::text e from t2) x;"
run temp_reuse       "create temp table t3 as select email::text e from subs where id <= 5; select e from t3, generate_series(1,2);"
run plpgsql_notice   "do \$\$ declare r record; begin for r in select email from subs where id <= 5 loop raise notice '%', r.email; end loop; end \$\$;"
run exception_detail "do \$\$ declare r record; begin for r in select email::text e from subs where id <= 5 loop begin raise exception using message = r.e; exception when others then raise notice '%', sqlerrm; end; end loop; end \$\$;"
run rollback         "begin; select email from subs where id <= 5; rollback;"
run savepoint        "begin; savepoint a; select email from subs where id <= 5; rollback to a; commit;"
run explain_verbose  "explain (analyze, verbose, costs off) select email::text from subs where id <= 5;"
run prepared_generic "set plan_cache_mode = force_generic_plan; prepare p(bigint) as select email from subs where id <= \$1; execute p(5); execute p(5);"
