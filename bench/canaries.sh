#!/usr/bin/env bash
# What canaries cost ordinary reads: two protected tables with the same rows,
# one holding canaries (so its row policy looks each row's address up among
# them), one without. Counts, a COPY of every address (masked and clear) and
# indexed lookups, as the same roles. Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

psqlq <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS listguard;
$(bench_source_sql)
CREATE TABLE t_none (id serial, account_id bigint, list_id bigint, email listguard.email, plan text);
CREATE TABLE t_canaries (id serial, account_id bigint, list_id bigint, email listguard.email, plan text);
SELECT listguard.protect('t_none', 'account_id', 'list_id');
SELECT listguard.protect('t_canaries', 'account_id', 'list_id');
INSERT INTO t_none (id, account_id, list_id, email, plan) SELECT id, account_id, list_id, email, 'free' FROM bench_src;
INSERT INTO t_canaries (id, account_id, list_id, email, plan) SELECT id, account_id, list_id, email, 'free' FROM bench_src;
SELECT setval('t_none_id_seq', $ROWS), setval('t_canaries_id_seq', $ROWS);
CREATE INDEX ON t_none (email);
CREATE INDEX ON t_canaries (email);
CREATE ROLE bench_masked;
CREATE ROLE bench_clear;
CREATE ROLE bench_other1;
CREATE ROLE bench_other2;
GRANT SELECT ON bench_src, t_none, t_canaries TO bench_masked, bench_clear;
SELECT listguard.grant_access('bench_masked', NULL, reveal => 'masked');
SELECT listguard.grant_access(r::regrole, NULL, reveal => 'clear') FROM unnest(ARRAY['bench_clear', 'bench_other1', 'bench_other2']) r;
SET listguard.canary_domains = 'canaries.example';
-- Three roles, three canaries each, in every list: 54 canaries.
SELECT sum(listguard.plant_canaries('t_canaries', a, l))
FROM (VALUES (1, 10), (1, 11), (2, 20), (2, 21), (3, 30), (3, 31)) v(a, l);
-- The same rows (but the canaries) in the other table, so that both hold
-- as many rows.
INSERT INTO t_none (account_id, list_id, email, plan)
SELECT account_id, list_id, 'filler' || id || '@example.org', plan FROM t_canaries WHERE id > $ROWS;
VACUUM ANALYZE;
SQL

as_role() { local role=$1; shift; psqlq -c "SET ROLE $role" "$@"; }
count_none() { as_role bench_clear -c "SELECT count(*) FROM t_none" >/dev/null; }
count_canaries() { as_role bench_clear -c "SELECT count(*) FROM t_canaries" >/dev/null; }
copy_masked_none() { as_role bench_masked -c "COPY (SELECT email FROM t_none) TO STDOUT" >/dev/null; }
copy_masked_canaries() { as_role bench_masked -c "COPY (SELECT email FROM t_canaries) TO STDOUT" >/dev/null; }
copy_clear_none() { as_role bench_clear -c "COPY (SELECT email FROM t_none) TO STDOUT" >/dev/null; }
copy_clear_canaries() { as_role bench_clear -c "COPY (SELECT email FROM t_canaries) TO STDOUT" >/dev/null; }
for f in count_none count_canaries copy_masked_none copy_masked_canaries copy_clear_none copy_clear_canaries; do $f; done
# Alternated, best of REPEAT each.
best_of_pair count_a count_none count_b count_canaries
best_of_pair masked_a copy_masked_none masked_b copy_masked_canaries
best_of_pair clear_a copy_clear_none clear_b copy_clear_canaries

script_dir=$(mktemp -d)
for t in t_none t_canaries; do
    cat > "$script_dir/$t.sql" <<PGB
\set n random(1, $ROWS)
SELECT email AS wanted FROM bench_src WHERE id = :n \gset
SET ROLE bench_clear;
SELECT id, email FROM $t WHERE email = :wanted;
PGB
done
pgbench_compare tps_none "$script_dir/t_none.sql" tps_canaries "$script_dir/t_canaries.sql"
rm -rf "$script_dir"

header "canaries: protected table with 54 canaries vs none ($ROWS rows)"
row "count(*), clear role (s)" "$count_a" "$count_b" s "<= 1.05x"
row "COPY out every address, masked role (s)" "$masked_a" "$masked_b" s "<= 1.05x"
row "COPY out every address, clear role (s)" "$clear_a" "$clear_b" s "<= 1.05x"
row "indexed lookup by address, clear role (TPS)" "$tps_none" "$tps_canaries" "" ">= 0.95x"
