#!/usr/bin/env bash
# listguard beside its peers, in the same run: audited reads (listguard's
# reveal audit against pgaudit logging READ,WRITE, each against itself off),
# on the same pgbench workload of indexed lookups by a role with clear
# access. Needs pgaudit preloaded (bench/run preloads it; Debian's
# postgresql-15-pgaudit). Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if ! psql -X -A -t -c "SHOW shared_preload_libraries" | grep -q pgaudit; then
    echo "peers: pgaudit is not preloaded; skipped"
    exit 0
fi
psqlq <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS listguard;
CREATE EXTENSION IF NOT EXISTS pgaudit;
CREATE TABLE bench_src AS
SELECT g AS id, 1 AS account_id, 10 + g % 4 AS list_id,
       (ARRAY['jane', 'john', 'maria', 'li'])[g % 4 + 1] || '.' || substr(md5(g::text), 1, 6) || g || '@mail.example.net'
       AS email
FROM generate_series(1, 100000) g;
CREATE UNIQUE INDEX ON bench_src (id);
CREATE TABLE t_read (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('t_read', 'account_id', 'list_id', audit => 'off');
INSERT INTO t_read SELECT * FROM bench_src;
CREATE INDEX ON t_read (email);
CREATE ROLE bench_reader;
GRANT SELECT ON bench_src, t_read TO bench_reader;
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
        echo 'SELECT email FROM t_read WHERE email = :wanted;'
        echo 'RESET ROLE;'
    } > "$script_dir/$file"
}
reader_script none.sql "listguard.audit_reveals = off" "pgaudit.log = 'none'"
reader_script lg.sql "listguard.audit_reveals = on" "pgaudit.log = 'none'"
reader_script pga.sql "listguard.audit_reveals = off" "pgaudit.log = 'read, write'"
pgbench_compare tps_none_a "$script_dir/none.sql" tps_lg "$script_dir/lg.sql"
pgbench_compare tps_none_b "$script_dir/none.sql" tps_pga "$script_dir/pga.sql"
rm -rf "$script_dir"

header "audited reads beside pgaudit (TPS, higher is better)"
row "listguard reveal audit on vs off" "$tps_none_a" "$tps_lg" "" ">= pgaudit's ratio"
row "pgaudit READ,WRITE vs off" "$tps_none_b" "$tps_pga" "" "(peer)"
