#!/bin/bash
# Class 5: a dump of a database that was itself restored once carries that
# restore's head (restored_at set). Cutting the dump's audit log back to it,
# and dropping the dump's own head row, restores with verify_audit() ok:
# check_restored_heads() (src/pg/audit/heads.cpp) takes any valid restored
# head as proof of the whole restored history. Needs PGBIN, PGHOST, PGPORT.
set -e
q() { $PGBIN/psql -X -q -v ON_ERROR_STOP=1 "$@"; }
for d in src1 src2 src3; do q -d postgres -c "DROP DATABASE IF EXISTS $d"; done
q -d postgres -c "CREATE DATABASE src1"
q -d src1 -c "CREATE EXTENSION listguard" -c "CREATE ROLE r_tmp" 2>/dev/null || q -d src1 -c "CREATE EXTENSION IF NOT EXISTS listguard"
q -d src1 -c "CREATE TABLE t (a bigint, e listguard.email)" -c "SELECT listguard.protect('t','a')" -c "SELECT listguard.grant_access('a_masked', 1)" >/dev/null
sleep 3
$PGBIN/pg_dump -d src1 -f /tmp/atk/src1.sql
q -d postgres -c "CREATE DATABASE src2"
q -d src2 -f /tmp/atk/src1.sql >/dev/null 2>/tmp/atk/src2.err || true
sleep 3
q -d src2 -Atc "SELECT ok, problem FROM listguard.verify_audit()"
# history made after the restore: the part the insider wants gone
q -d src2 -c "SELECT listguard.grant_access('a_clear', NULL, reveal => 'clear', reason => 'the insider''s own grant')" >/dev/null
sleep 3
q -d src2 -Atc "SELECT 'src2 heads: ' || string_agg(format('%s last_id=%s restored=%s', source, last_id, restored_at IS NOT NULL), '; ') FROM listguard.audit_heads"
q -d src2 -Atc "SELECT 'src2 events: ' || count(*) || ' max id ' || max(id) FROM listguard.audit_log"
$PGBIN/pg_dump -d src2 -f /tmp/atk/src2.sql
# The insider edits src2's dump: drops src2's own head row and every event
# after the head that src1's restore left in src2 (here: the clear grant).
python3 - <<'PY'
import re
lines = open('/tmp/atk/src2.sql').read().split('\n')
heads = [l for l in lines]
# the inner head: the restored one (its restored_at is set)
inner = None; mode = None
for l in lines:
    if l.startswith('COPY listguard.audit_heads '): mode = 'h'; continue
    if mode == 'h':
        if l == '\\.': break
        f = l.split('\t')
        if f[5] != '\\N': inner = (f[0], int(f[1]))
src, cut = inner
out = []; mode = None
for l in lines:
    if l.startswith('COPY listguard.audit_log '): mode = 'log'; out.append(l); continue
    if l.startswith('COPY listguard.audit_heads '): mode = 'heads'; out.append(l); continue
    if mode and l == '\\.': mode = None; out.append(l); continue
    if mode == 'log' and int(l.split('\t')[0]) > cut: continue
    if mode == 'heads' and l.split('\t')[0] != src: continue
    out.append(l)
open('/tmp/atk/src2_cut.sql', 'w').write('\n'.join(out))
PY
q -d postgres -c "CREATE DATABASE src3"
q -d src3 -f /tmp/atk/src2_cut.sql >/dev/null 2>&1 || true
sleep 3
echo "verify_audit of the cut restore (FINDING if t):"
q -d src3 -Atc "SELECT ok, problem FROM listguard.verify_audit()"
q -d src3 -Atc "SELECT count(*) AS grant_events_left FROM listguard.audit_log WHERE detail->'arguments'->>'grantee' = 'a_clear'"
