#!/usr/bin/env bash
# The cost of the audit trail: COPY into a protected table with
# statement-level audit and with per-row audit, against audit off; a pgbench
# read workload with clear-reveal auditing on and off; and, side by side,
# pgaudit logging READ,WRITE for the same workload. Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"
ROW_ROWS="${ROW_ROWS:-100000}" # per-row audit writes one event a row: fewer rows

datadir=$(psql -X -A -t -c "SHOW data_directory")
psqlq <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS listguard;
CREATE TABLE bench_src AS
SELECT g AS id, 1 AS account_id, 10 + g % 4 AS list_id,
       (ARRAY['jane', 'john', 'maria', 'li'])[g % 4 + 1] || '.' || substr(md5(g::text), 1, 6) || g || '@mail.example.net'
       AS email
FROM generate_series(1, $ROWS) g;
CREATE UNIQUE INDEX ON bench_src (id);
COPY bench_src TO '$datadir/bench_audit_rows.txt';
COPY (SELECT * FROM bench_src WHERE id <= $ROW_ROWS) TO '$datadir/bench_audit_rows_small.txt';
CREATE TABLE t_off (id int, account_id bigint, list_id bigint, email listguard.email);
CREATE TABLE t_stmt (LIKE t_off);
CREATE TABLE t_row (LIKE t_off);
SELECT listguard.protect('t_off', 'account_id', 'list_id', audit => 'off');
SELECT listguard.protect('t_stmt', 'account_id', 'list_id', audit => 'statement');
SELECT listguard.protect('t_row', 'account_id', 'list_id', audit => 'row');
SQL
settle() { for i in $(seq 2000); do [ "$(psql -X -A -t -c "SELECT listguard.audit_pending()")" = 0 ] && return 0; sleep 0.05; done; }
copy_into() { psqlq -c "TRUNCATE $1" -c "COPY $1 FROM '$datadir/$2'"; settle; }
copy_into t_off bench_audit_rows.txt; copy_into t_stmt bench_audit_rows.txt
best_of in_off copy_into t_off bench_audit_rows.txt
best_of in_stmt copy_into t_stmt bench_audit_rows.txt
best_of in_off_small copy_into t_off bench_audit_rows_small.txt
best_of in_row copy_into t_row bench_audit_rows_small.txt

psqlq <<SQL >/dev/null
INSERT INTO t_off SELECT * FROM bench_src WHERE id <= 100000;
CREATE INDEX ON t_off (email);
CREATE ROLE bench_reader;
GRANT SELECT ON bench_src, t_off TO bench_reader;
SELECT listguard.grant_access('bench_reader', 1, reveal => 'clear');
VACUUM ANALYZE;
SQL
script_dir=$(mktemp -d)
reader_script() { # file settings...
    local file=$1; shift
    {
        echo '\set n random(1, 100000)'
        echo 'SELECT email AS wanted FROM bench_src WHERE id = :n \gset'
        for s in "$@"; do echo "SET $s;"; done
        echo 'SET ROLE bench_reader;'
        echo 'SELECT email FROM t_off WHERE email = :wanted;'
        echo 'RESET ROLE;'
    } > "$script_dir/$file"
}
reader_script off.sql "listguard.audit_reveals = off"
reader_script on.sql "listguard.audit_reveals = on"
pgbench_compare tps_off "$script_dir/off.sql" tps_on "$script_dir/on.sql"
settle

pgaudit=no
if psql -X -A -t -c "SHOW shared_preload_libraries" | grep -q pgaudit; then
    pgaudit=yes
    psqlq -c "CREATE EXTENSION IF NOT EXISTS pgaudit" >/dev/null
    reader_script pga_off.sql "listguard.audit_reveals = off" "pgaudit.log = 'none'"
    reader_script pga_on.sql "listguard.audit_reveals = off" "pgaudit.log = 'read, write'"
    pgbench_compare tps_pga_off "$script_dir/pga_off.sql" tps_pga_on "$script_dir/pga_on.sql"
fi
rm -rf "$script_dir"

header "audit trail"
row "COPY $ROWS rows in, statement audit vs off (s)" "$in_off" "$in_stmt" s "<= 1.10x"
row "COPY $ROW_ROWS rows in, per-row audit vs off (s)" "$in_off_small" "$in_row" s "<= 2.0x"
row "pgbench reads, reveal audit on vs off (TPS)" "$tps_off" "$tps_on" "" ">= 0.95x"
if [ "$pgaudit" = yes ]; then
    row "pgbench reads, pgaudit READ,WRITE vs off (TPS)" "$tps_pga_off" "$tps_pga_on" "" "(pgaudit)"
fi
