#!/usr/bin/env bash
# The cost of counting clear reveals against a quota: one export with a
# quota that is not reached against the same export with no quota, and eight
# concurrent exporters, each of its own role and quota, against eight without
# quotas (no lock is shared between unrelated roles). Run by bench/run.
set -euo pipefail
. "$(dirname "$0")/common.sh"

psqlq <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS listguard;
CREATE TABLE t_protected (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('t_protected', 'account_id', 'list_id');
INSERT INTO t_protected
SELECT g, 1, 10, (ARRAY['jane', 'john', 'maria', 'li'])[g % 4 + 1] || '.' || substr(md5(g::text), 1, 6) || g ||
                 '@mail.example.net'
FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE t_protected;
SQL
for i in $(seq 0 8); do
    psqlq -c "CREATE ROLE free_$i" -c "CREATE ROLE counted_$i" -c "GRANT SELECT ON t_protected TO free_$i, counted_$i" \
          -c "SELECT listguard.grant_access('free_$i', 1, reveal => 'clear')" \
          -c "SELECT listguard.grant_access('counted_$i', 1, reveal => 'clear', quota => '1000000000/day')" >/dev/null
done

export_as() { psqlq -c "SET ROLE $1" -c "COPY (SELECT email FROM t_protected) TO STDOUT" >/dev/null; }
export_as free_0; export_as counted_0
best_of one_free export_as free_0
best_of one_counted export_as counted_0

eight() { # role prefix
    for i in $(seq 1 8); do export_as "$1_$i" & done
    wait
}
eight free; eight counted
best_of eight_free eight free
best_of eight_counted eight counted

header "export quotas ($ROWS rows per export)"
row "one clear export, quota vs none (s)" "$one_free" "$one_counted" s "<= 1.05x"
row "8 exporters of 8 roles, quotas vs none (s)" "$eight_free" "$eight_counted" s "~ 1.0x"
