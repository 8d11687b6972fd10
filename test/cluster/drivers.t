#!/usr/bin/env bash
# Client drivers' default parameter types (test/drivers): psycopg 2 and 3,
# JDBC's setString (varchar), node-postgres (untyped and $1::text). Each
# lookup by address, in another spelling, finds the row under row-level
# security and uses the index.
set -u
cd "$(dirname "$0")/../.."
echo "1..7"
mkdir -p build/node
if [ ! -d build/node/node_modules/pg ]; then
    (cd build/node && npm install --silent --no-audit --no-fund pg@8 >/dev/null 2>&1)
fi
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard bash -c '
set -e
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION listguard;
CREATE ROLE driver LOGIN PASSWORD \$\$driver-pw\$\$;
CREATE TABLE driver_subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
CREATE INDEX ON driver_subs (email);
INSERT INTO driver_subs SELECT g, 1, 10, \$\$filler\$\$ || g || \$\$@example.com\$\$ FROM generate_series(1, 2000) g;
INSERT INTO driver_subs VALUES (7777, 1, 10, \$\$Driver.Lookup@Example.com\$\$);
SELECT listguard.protect(\$\$driver_subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
ANALYZE driver_subs;
GRANT SELECT ON driver_subs TO driver;
SELECT listguard.grant_access(\$\$driver\$\$, 1, reveal => \$\$masked\$\$);
SQL
export PGUSER=driver PGPASSWORD=driver-pw PGHOST=127.0.0.1 PGDATABASE=postgres
/usr/bin/python3 test/drivers/lookup.py 2>&1
java -cp /usr/share/java/postgresql.jar test/drivers/Lookup.java "jdbc:postgresql://127.0.0.1:$PGPORT/postgres" driver "$PGPASSWORD" 2>&1
NODE_PATH=build/node/node_modules node test/drivers/lookup.js 2>&1
' 2>/dev/null)
n=0
for name in "psycopg3 %s" "psycopg3 %b (binary text)" "psycopg3 %t (text)" "psycopg2 %s" "jdbc setString" "node-postgres \$1" "node-postgres \$1::text"; do
    n=$((n + 1))
    line=$(printf '%s\n' "$out" | grep -F "$name|" | head -1)
    if [ "$line" = "$name|7777|True" ] || [ "$line" = "$name|7777|true" ]; then
        echo "ok $n - $name finds the row by another spelling and uses the index"
    else
        echo "not ok $n - $name finds the row by another spelling and uses the index (got '$line')"
        printf '%s\n' "$out" | grep -v "|" | head -5 | sed 's/^/# /'
    fi
done
