#!/usr/bin/env bash
# The sealed type against a plain text column: COPY out (masked), COPY in,
# and indexed equality lookups with pgbench. Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

datadir=$(psql -X -A -t -c "SHOW data_directory")
emails="$datadir/bench_emails.txt"

psqlq <<SQL
CREATE EXTENSION IF NOT EXISTS listguard;
DROP TABLE IF EXISTS bench_src, t_text, t_email;
CREATE TABLE bench_src AS
SELECT g AS id,
       (ARRAY['jane', 'john', 'maria', 'li', 'ahmed', 'sofia'])[g % 6 + 1] || '.' ||
       substr(md5(g::text), 1, 4 + g % 9) || g || '@' ||
       (ARRAY['gmail.com', 'yahoo.co.uk', 'example.org', 'mail.example.net'])[g % 4 + 1] AS email
FROM generate_series(1, $ROWS) g;
COPY bench_src (email) TO '$emails';
CREATE TABLE t_text (email text);
CREATE TABLE t_email (email listguard.email);
SQL

copy_in() { psqlq -c "TRUNCATE $1" -c "COPY $1 FROM '$emails'"; }
copy_in_both() { copy_in t_text; copy_in t_email; }
copy_in_both # warm up: file in the page cache, tables at their size
best_of in_text copy_in t_text
best_of in_email copy_in t_email

psqlq -c "VACUUM ANALYZE t_text" -c "VACUUM ANALYZE t_email"
copy_out() { psqlq -c "COPY $1 TO STDOUT" > /dev/null; }
copy_out t_text; copy_out t_email   # warm the cache
best_of out_text copy_out t_text
best_of out_email copy_out t_email

psqlq -c "CREATE INDEX ON t_text (email)" -c "CREATE INDEX ON t_email (email)"
script_dir=$(mktemp -d)
# The address arrives as a parameter, as from an application.
for t in t_text t_email; do
    cat > "$script_dir/$t.sql" <<PGB
\set n random(1, $ROWS)
SELECT email AS wanted FROM bench_src WHERE id = :n \gset
SELECT email FROM $t WHERE email = :wanted;
PGB
done
psqlq -c "CREATE UNIQUE INDEX ON bench_src (id)"
psqlq -c "VACUUM ANALYZE"
pgbench_compare tps_text "$script_dir/t_text.sql" tps_email "$script_dir/t_email.sql"
rm -rf "$script_dir"

header "sealed type vs text column ($ROWS rows)"
row "COPY out, masked (s)" "$out_text" "$out_email" s "<= 1.5x"
row "COPY in (s)" "$in_text" "$in_email" s "<= 2.0x"
row "indexed equality lookup (TPS, higher is better)" "$tps_text" "$tps_email" "" ">= 0.9x"
