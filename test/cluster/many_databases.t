#!/usr/bin/env bash
# More databases than the audit queue has writer entries (64): each
# database's writer frees its entry when it leaves, and a database whose
# events waited for an entry gets one then. Every database's events reach
# its own audit log.
set -u
echo "1..2"
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard -o max_worker_processes=24 bash -c '
set -e
for i in $(seq 1 72); do
    createdb "many_$i"
    psql -X -q -d "many_$i" -c "CREATE EXTENSION listguard" >/dev/null 2>&1
done
missing=0
for i in $(seq 1 72); do
    ok=0
    for t in $(seq 1 150); do
        n=$(psql -X -A -t -d "many_$i" -c "SELECT count(*) FROM listguard.audit_log WHERE kind = \$\$extension\$\$")
        [ "$n" = 1 ] && { ok=1; break; }
        sleep 0.1
    done
    [ "$ok" = 1 ] || missing=$((missing + 1))
done
echo "missing=$missing"
# A second round, after every writer has left: the entries were freed.
sleep 3
for i in $(seq 1 72); do psql -X -q -d "many_$i" -c "SELECT listguard.grant_access(\$\$pg_monitor\$\$, 1)" >/dev/null 2>&1 || true; done
late=0
for i in $(seq 1 72); do
    ok=0
    for t in $(seq 1 150); do
        n=$(psql -X -A -t -d "many_$i" -c "SELECT count(*) FROM listguard.audit_log WHERE kind IN (\$\$grant\$\$, \$\$denied\$\$)")
        [ "$n" -ge 1 ] && { ok=1; break; }
        sleep 0.1
    done
    [ "$ok" = 1 ] || late=$((late + 1))
done
echo "late=$late"
' 2>/dev/null)
line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2; }
[ "$(line missing)" = 0 ] && echo "ok 1 - 72 databases: every one's first event reaches its audit log" ||
    echo "not ok 1 - 72 databases: every one's first event reaches its audit log (missing in $(line missing))"
[ "$(line late)" = 0 ] && echo "ok 2 - after every writer left, each database gets a writer again" ||
    echo "not ok 2 - after every writer left, each database gets a writer again (missing in $(line late))"
