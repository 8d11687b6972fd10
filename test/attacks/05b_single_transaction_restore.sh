#!/bin/bash
# Class 5: every single-transaction restore of a listguard dump fails
# (pg_restore -1, psql -1 -f): COPY audit_heads hits
# "listguard.audit_heads_guard() may only run as a trigger on
# listguard.audit_heads", because listguard_objects()
# (src/pg/base/catalog.cpp) remembers a set without audit_heads as complete
# when it is looked up while CREATE EXTENSION's script runs, and nothing in
# the same transaction makes it look again. Needs PGBIN, PGHOST, PGPORT.
q() { "$PGBIN/psql" -X -q "$@"; }
q -d postgres -c "DROP DATABASE IF EXISTS st_src" -c "DROP DATABASE IF EXISTS st_dst" -c "CREATE DATABASE st_src" -c "CREATE DATABASE st_dst"
q -d st_src -c "CREATE EXTENSION listguard"
sleep 3
"$PGBIN/pg_dump" -Fc -d st_src -f /tmp/st_src.dump
"$PGBIN/pg_restore" --single-transaction -d st_dst /tmp/st_src.dump && echo "held: restore ok" || echo "FINDING: single-transaction restore failed"
