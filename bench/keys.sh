#!/usr/bin/env bash
# Key rotation (issue 12): re-sealing every stored value of a protected table
# under a new seal key with CALL reseal_existing(), against what plain
# PostgreSQL does to rewrite the same rows (UPDATE t SET e = e as text); and
# lookups by address while half the values are under the old key and half
# under the new one, against lookups before the rotation. Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

datadir=$(psql -X -A -t -c "SHOW data_directory")
rows_file="$datadir/bench_keys.txt"
psqlq <<SQL
CREATE EXTENSION IF NOT EXISTS listguard;
DROP TABLE IF EXISTS bench_rows;
CREATE TABLE bench_rows AS
SELECT g AS id, 1 + g % 50 AS account_id, 1 + g % 7 AS list_id,
       'person.' || substr(md5(g::text), 1, 4 + g % 9) || g || '@example.com' AS email
FROM generate_series(1, $ROWS) g;
COPY bench_rows TO '$rows_file';
SQL

fresh() {
    psqlq -c "DROP TABLE IF EXISTS $1" \
          -c "CREATE TABLE $1 (id int, account_id bigint, list_id bigint, email $2)" \
          -c "COPY $1 FROM '$rows_file'" >/dev/null
    if [ "$2" = listguard.email ]; then
        psqlq -c "SELECT listguard.protect('$1', 'account_id', 'list_id')" >/dev/null
    fi
    psqlq -c "VACUUM ANALYZE $1" >/dev/null
}
update_text() { fresh k_text text; local t0; t0=$(now_ns); psqlq -c "UPDATE k_text SET email = email" >/dev/null; echo $(( $(now_ns) - t0 )); }
reseal() {
    fresh k_email listguard.email
    psqlq -c "SELECT listguard.add_key()" >/dev/null
    local t0; t0=$(now_ns)
    psqlq -c "CALL listguard.reseal_existing(8192)" >/dev/null 2>&1
    echo $(( $(now_ns) - t0 ))
}
best_ns() { local best=""; for _ in $(seq "$REPEAT"); do local t; t=$("$1"); if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi; done; awk -v n="$best" 'BEGIN { printf "%.3f", n / 1e9 }'; }
update_text >/dev/null # warm up
t_update=$(best_ns update_text)
t_reseal=$(best_ns reseal)

# Lookups by address: every value under one key, then half under an older key.
fresh k_lookup listguard.email
psqlq -c "CREATE INDEX ON k_lookup (email)" -c "ANALYZE k_lookup" >/dev/null
cat > "$datadir/lookup.sql" <<'PGB'
\set id random(1, 1000000)
SELECT id FROM k_lookup WHERE email = 'person.' || substr(md5(:id::text), 1, 4 + :id % 9) || :id || '@example.com';
PGB
sed -i "s/1000000/$ROWS/" "$datadir/lookup.sql"
tps_one=$(pgbench_tps "$datadir/lookup.sql")
psqlq -c "SELECT listguard.add_key()" -c "UPDATE k_lookup SET list_id = list_id WHERE id % 2 = 0" -c "VACUUM ANALYZE k_lookup" >/dev/null
tps_two=$(pgbench_tps "$datadir/lookup.sql")

header "key rotation ($ROWS rows)"
row "reseal_existing() after add_key() vs UPDATE text (s)" "$t_update" "$t_reseal" s "(measured)"
row "indexed lookups, values under two keys vs one (TPS)" "$tps_one" "$tps_two" tps ">= 0.9x"
