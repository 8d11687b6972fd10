#!/usr/bin/env bash
# Processes with no database (the autovacuum and logical replication
# launchers) receive invalidations too: listguard's callbacks must not touch
# the catalogs there. A burst of catalog changes overflows the invalidation
# queue, which makes every process reset its caches; the server must stay up.
set -u
echo "1..2"
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard -o autovacuum_naptime=1 bash -c '
psql -X -q -c "CREATE EXTENSION listguard"
started=$(psql -X -A -t -c "SELECT pg_postmaster_start_time()")
for round in 1 2 3; do
    psql -X -q -c "DO \$\$ BEGIN FOR i IN 1..2000 LOOP
        EXECUTE format(\$f\$CREATE TEMP TABLE inval_%s (a int); DROP TABLE inval_%s\$f\$, i, i);
        END LOOP; END \$\$"
    psql -X -q -c "CREATE ROLE inval_role_$round; DROP ROLE inval_role_$round"
    sleep 1
done
sleep 2
echo "same_start=$(psql -X -A -t -c "SELECT pg_postmaster_start_time() = '"'"'$started'"'"'")"
log=$(psql -X -A -t -c "SELECT pg_current_logfile()")
datadir=$(psql -X -A -t -c "SHOW data_directory")
logfile=${log:-/var/log/postgresql/postgresql-15-regress.log}
case "$logfile" in /*) ;; *) logfile="$datadir/$logfile" ;; esac
[ -f "$logfile" ] || read -r _ _ _ _ _ _ logfile < <(pg_lsclusters -h "$PGVERSION" regress)
fatal=$(grep -c "without having selected a database" "$logfile" 2>/dev/null)
restarts=$(grep -c "all server processes terminated" "$logfile" 2>/dev/null)
echo "fatal_lines=${fatal:-0}"
echo "restarts=${restarts:-0}"
' 2>/dev/null)
case "$out" in *"same_start=t"*"restarts=0"*) echo "ok 1 - the server was not restarted" ;; *) echo "not ok 1 - the server was not restarted"; printf "%s\n" "$out" | sed "s/^/# /" ;; esac
case "$out" in *"fatal_lines=0"*) echo "ok 2 - no process died reading catalogs without a database" ;; *) echo "not ok 2 - no process died reading catalogs without a database"; printf "%s\n" "$out" | sed "s/^/# /" ;; esac
