#!/usr/bin/env bash
# listguard refuses to run unless it is in shared_preload_libraries, with a
# hint, and stays refused within the session after a failed load.
set -u
echo "1..4"
out=$(pg_virtualenv -t sh -c '
psql -X -c "CREATE EXTENSION listguard" 2>&1
psql -X 2>&1 <<SQL
LOAD '"'"'listguard'"'"';
LOAD '"'"'listguard'"'"';
CREATE FUNCTION lg_raw_in(cstring) RETURNS text AS '"'"'listguard'"'"', '"'"'email_in'"'"' LANGUAGE C STRICT;
SELECT lg_raw_in('"'"'a@example.com'"'"');
SQL
' 2>/dev/null)

check() { # number, description, pattern
    if printf '%s\n' "$out" | grep -q -- "$3"; then echo "ok $1 - $2"; else echo "not ok $1 - $2"; fi
}
check 1 "CREATE EXTENSION is refused" 'ERROR:  listguard must be loaded via shared_preload_libraries'
check 2 "the error says how to fix it" 'HINT:  Add listguard to shared_preload_libraries in postgresql.conf and restart the server.'
n=$(printf '%s\n' "$out" | grep -c 'listguard must be loaded via shared_preload_libraries')
if [ "$n" -ge 3 ]; then echo "ok 3 - LOAD is refused, every time"; else echo "not ok 3 - LOAD is refused, every time (seen $n refusals)"; fi
# A C function declared by hand on the library cannot run either.
if [ "$n" -ge 4 ] && ! printf '%s\n' "$out" | grep -q 'a\*\*\*@example.com'; then
    echo "ok 4 - no listguard function runs without preload"
else
    echo "not ok 4 - no listguard function runs without preload"
fi
