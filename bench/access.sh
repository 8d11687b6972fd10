#!/usr/bin/env bash
# Reading a protected table, as roles with masked and clear grants, against
# a plain text column without row-level security; row-level security's own
# cost on count(*); indexed lookups on the protected table. Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

psqlq <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS listguard;
$(bench_source_sql)
CREATE TABLE t_text AS SELECT id, account_id, list_id, email FROM bench_src;
-- Account and list NOT NULL, as an ESP's schema has them: then a role that
-- reads every account passes the row policy without a call per row
-- (pg/canary/policy_shortcut.h).
CREATE TABLE t_plain (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
CREATE TABLE t_protected (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
SELECT listguard.protect('t_protected', 'account_id', 'list_id');
INSERT INTO t_plain SELECT id, account_id, list_id, email FROM bench_src;
INSERT INTO t_protected SELECT id, account_id, list_id, email FROM bench_src;
CREATE INDEX ON t_plain (email);
CREATE INDEX ON t_protected (email);
CREATE ROLE bench_masked;
CREATE ROLE bench_clear;
GRANT SELECT ON bench_src, t_text, t_plain, t_protected TO bench_masked, bench_clear;
SELECT listguard.grant_access('bench_masked', NULL, reveal => 'masked');
SELECT listguard.grant_access('bench_clear', NULL, reveal => 'clear');
VACUUM ANALYZE;
SQL

as_role() { local role=$1; shift; psqlq -c "SET ROLE $role" "$@"; }
copy_text() { psqlq -c "COPY (SELECT email FROM t_text) TO STDOUT" >/dev/null; }
copy_masked() { as_role bench_masked -c "COPY (SELECT email FROM t_protected) TO STDOUT" >/dev/null; }
copy_clear() { as_role bench_clear -c "COPY (SELECT email FROM t_protected) TO STDOUT" >/dev/null; }
copy_text; copy_masked; copy_clear # warm up
best_of out_text copy_text
best_of out_masked copy_masked
best_of out_clear copy_clear

count_plain() { as_role bench_masked -c "SELECT count(*) FROM t_plain" >/dev/null; }
count_protected() { as_role bench_masked -c "SELECT count(*) FROM t_protected" >/dev/null; }
count_plain; count_protected
best_of count_no_rls count_plain
best_of count_rls count_protected

script_dir=$(mktemp -d)
for t in t_plain t_protected; do
    # The address arrives as a parameter, as from an application: its type
    # is the column's, so no cast sits between the index and the value.
    cat > "$script_dir/$t.sql" <<PGB
\set n random(1, $ROWS)
SELECT email AS wanted FROM bench_src WHERE id = :n \gset
SET ROLE bench_masked;
SELECT email FROM $t WHERE email = :wanted;
PGB
done
pgbench_compare tps_plain "$script_dir/t_plain.sql" tps_protected "$script_dir/t_protected.sql"
rm -rf "$script_dir"

header "reading a protected table ($ROWS rows)"
row "COPY out, masked role vs text, no RLS (s)" "$out_text" "$out_masked" s "<= 1.5x"
row "COPY out, clear role vs text, no RLS (s)" "$out_text" "$out_clear" s "<= 1.5x"
row "count(*) with listguard RLS vs none (s)" "$count_no_rls" "$count_rls" s "<= 1.2x"
row "indexed lookup, protected vs not (TPS)" "$tps_plain" "$tps_protected" "" ">= 0.9x"
