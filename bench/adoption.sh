#!/usr/bin/env bash
# Bringing existing data under protection (issue 11), against what plain
# PostgreSQL does with the same rows: protect() stamping 1M rows that were
# there before against UPDATE t SET e = e of the same rows as text (and
# CALL stamp_existing(), which works under the table's triggers);
# invalid_addresses() over 1M rows against a full scan of the same text;
# and the bulk-load path into a protected table (COPY into a text staging
# table, then INSERT ... SELECT, stamping and audit on) against COPY into a
# plain text table. Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

datadir=$(psql -X -A -t -c "SHOW data_directory")
rows_file="$datadir/bench_adoption.txt"

psqlq <<SQL
CREATE EXTENSION IF NOT EXISTS listguard;
DROP TABLE IF EXISTS bench_rows;
CREATE TABLE bench_rows AS
SELECT g AS id, 1 + g % 50 AS account_id, 1 + g % 7 AS list_id,
       (ARRAY['jane', 'john', 'maria', 'li', 'ahmed', 'sofia'])[g % 6 + 1] || '.' ||
       substr(md5(g::text), 1, 4 + g % 9) || g || '@' ||
       (ARRAY['gmail.com', 'yahoo.co.uk', 'example.org', 'mail.example.net'])[g % 4 + 1] AS email
FROM generate_series(1, $ROWS) g;
COPY bench_rows TO '$rows_file';
SQL

# protect() of existing rows vs UPDATE of the same rows as text. Each run
# starts from a fresh table, loaded and vacuumed the same way.
fresh() {
    psqlq -c "DROP TABLE IF EXISTS $1" \
          -c "CREATE TABLE $1 (id int, account_id bigint, list_id bigint, email $2)" \
          -c "COPY $1 FROM '$rows_file'" -c "VACUUM ANALYZE $1"
}
update_text() { fresh a_text text >/dev/null; local t0; t0=$(now_ns); psqlq -c "UPDATE a_text SET email = email" >/dev/null; echo $(( $(now_ns) - t0 )); }
protect_email() { fresh a_email listguard.email >/dev/null; local t0; t0=$(now_ns); psqlq -c "SELECT listguard.protect('a_email', 'account_id', 'list_id')" >/dev/null; echo $(( $(now_ns) - t0 )); }
stamp_later() { fresh a_later listguard.email >/dev/null; psqlq -c "SELECT listguard.protect('a_later', 'account_id', 'list_id', stamp => 'later')" >/dev/null; local t0; t0=$(now_ns); psqlq -c "CALL listguard.stamp_existing('a_later', 8192)" >/dev/null 2>&1; echo $(( $(now_ns) - t0 )); }
best_ns() { local best=""; for _ in $(seq "$REPEAT"); do local t; t=$("$1"); if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi; done; awk -v n="$best" 'BEGIN { printf "%.3f", n / 1e9 }'; }
update_text >/dev/null # warm up
t_update=$(best_ns update_text)
t_protect=$(best_ns protect_email)
t_later=$(best_ns stamp_later)

# invalid_addresses() over the same rows as text, a few hundred bad ones.
psqlq -c "DROP TABLE IF EXISTS a_check" -c "CREATE TABLE a_check AS SELECT * FROM bench_rows" \
      -c "UPDATE a_check SET email = replace(email, '@', ' at ') WHERE id % 3000 = 0" -c "VACUUM ANALYZE a_check"
scan_text() { psqlq -c "SELECT count(*) FROM a_check WHERE email NOT LIKE '%@%'"; }
check_email() { psqlq -c "SELECT count(*) FROM listguard.invalid_addresses('a_check', 'email')"; }
scan_text; check_email
best_of t_scan scan_text
best_of t_check check_email

# Bulk loads: COPY into a text table vs the staging path into a protected
# table, as a role with a write grant.
psqlq <<SQL
DROP TABLE IF EXISTS load_text, load_email, load_sealed;
DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_loader') THEN CREATE ROLE bench_loader; END IF; END \$\$;
CREATE TABLE load_text (id int, account_id bigint, list_id bigint, email text);
CREATE TABLE load_email (id int, account_id bigint, list_id bigint, email listguard.email);
CREATE TABLE load_sealed (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('load_email', 'account_id', 'list_id');
GRANT INSERT ON load_email TO bench_loader;
SELECT listguard.grant_access('bench_loader', NULL, reveal => 'masked', can_write => true)
WHERE NOT EXISTS (SELECT 1 FROM listguard.explain_access('bench_loader'));
SQL
load_text() { psqlq -c "TRUNCATE load_text" -c "\\copy load_text FROM '$rows_file'"; }
load_email() {
    psqlq -c "TRUNCATE load_email" -c "SET ROLE bench_loader" \
          -c "CREATE TEMP TABLE staging (id int, account_id bigint, list_id bigint, email text)" \
          -c "\\copy staging FROM '$rows_file'" \
          -c "INSERT INTO load_email SELECT * FROM staging"
}
# COPY FROM straight into the protected table, as the same role (issue 24).
load_direct() { psqlq -c "TRUNCATE load_email" -c "SET ROLE bench_loader" -c "\\copy load_email FROM '$rows_file'"; }
# COPY into the same columns unprotected: what the type alone costs.
load_sealed() { psqlq -c "TRUNCATE load_sealed" -c "\\copy load_sealed FROM '$rows_file'"; }
load_text; load_email; load_direct; load_sealed
best_of t_load_email load_email
# Alternately, so that neither side gets a quieter moment.
best_of_pair t_load_text load_text t_load_direct load_direct
best_of_pair t_load_sealed load_sealed t_load_direct2 load_direct

header "adopting existing data ($ROWS rows)"
row "protect() stamping existing rows vs UPDATE text (s)" "$t_update" "$t_protect" s "<= 2.0x"
row "stamp_existing() in batches, table in use (s)" "$t_update" "$t_later" s "(measured)"
row "invalid_addresses() vs a scan of the text (s)" "$t_scan" "$t_check" s "(measured)"
row "staging + INSERT into protected vs COPY text (s)" "$t_load_text" "$t_load_email" s "(measured)"
row "COPY FROM into protected, write grant, vs COPY text (s)" "$t_load_text" "$t_load_direct" s "<= 2.0x"
row "COPY FROM into protected vs COPY into the type unprotected (s)" "$t_load_sealed" "$t_load_direct2" s "(measured)"
