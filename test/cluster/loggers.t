#!/usr/bin/env bash
# Loggers that print values: auto_explain (every plan, nested statements,
# with parameters) and pgaudit (parameters), loaded before and after
# listguard. A clear role's lookups by an address it read from the table
# must neither put the address in the server log nor charge its quota: only
# the values a query returns are clear reveals. Errors that would print an
# address (a duplicate key, a bad cast, a statement with an address
# literal) are logged with the address masked.
set -u
echo "1..12"
n=0
for order in "listguard,auto_explain,pgaudit" "auto_explain,pgaudit,listguard"; do
out=$(pg_virtualenv -t -o shared_preload_libraries="$order" -o auto_explain.log_min_duration=0 \
        -o auto_explain.log_nested_statements=on -o auto_explain.log_analyze=on \
        -o pgaudit.log=all -o pgaudit.log_parameter=on -o pgaudit.log_catalog=off bash -c '
set -e
psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
CREATE EXTENSION listguard;
CREATE EXTENSION pgaudit;
CREATE ROLE finder;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email UNIQUE);
SELECT listguard.protect(\$\$subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
INSERT INTO subs VALUES (1, 1, 10, \$\$Logged.Never@example.com\$\$), (2, 1, 10, \$\$second.never@example.com\$\$);
GRANT SELECT, INSERT ON subs TO finder;
SELECT listguard.grant_access(\$\$finder\$\$, 1, reveal => \$\$clear\$\$, can_write => true, quota => \$\$2/hour\$\$);
CREATE TABLE plain (n int);
GRANT SELECT ON plain TO finder;
SQL
# Three lookups by an address read from the table, in a PL/pgSQL loop and
# by a prepared statement: ids only, so nothing is revealed.
lookups=$(psql -X -A -t -v ON_ERROR_STOP=1 2>&1 <<SQL
SET ROLE finder;
DO \$\$
DECLARE e listguard.email; found_id int;
BEGIN
    SELECT email INTO e FROM subs WHERE id = 1;
    FOR i IN 1..3 LOOP
        SELECT id INTO found_id FROM subs WHERE email = e;
    END LOOP;
    SELECT email INTO e FROM subs WHERE id = 2;
    FOR i IN 1..3 LOOP
        EXECUTE \$q\$SELECT id FROM subs WHERE email = \$1\$q\$ INTO found_id USING e;
    END LOOP;
END \$\$;
SELECT \$\$lookups done\$\$;
SQL
)
echo "lookups=$(printf "%s" "$lookups" | grep -c "lookups done")"
echo "used=$(psql -X -A -t -c "SELECT used FROM listguard.quota_usage")"
# The role may still read two addresses in clear: the quota was untouched.
echo "clear_after=$(psql -X -A -t -c "SET ROLE finder" -c "SELECT email FROM subs ORDER BY id" 2>&1 | grep -ci "never@example.com")"
# Errors that would print an address.
psql -X -q -c "SET ROLE finder" -c "INSERT INTO subs VALUES (3, 1, 10, \$\$logged.never@EXAMPLE.com\$\$)" >/dev/null 2>&1 || true
psql -X -q -c "SELECT \$\$cast.never@example.com\$\$::int" >/dev/null 2>&1 || true
psql -X -q -c "SELECT * FROM plain WHERE n = \$\$literal.never@example.com\$\$" >/dev/null 2>&1 || true
# COPY FROM into the protected table: run by listguard when it is listed
# first; refused, never crashing, when pgaudit'"'"'s utility hook is inside
# listguard'"'"'s (pgaudit'"'"'s permission hook crashed on a COPY it never saw).
copy=$(psql -X -q 2>&1 <<SQL
SET ROLE finder;
COPY subs FROM STDIN;
4	1	10	copied.never@example.com
\\.
SQL
)
echo "copy_refused=$(printf "%s" "$copy" | grep -c "shared_preload_libraries order")"
echo "copy_rows=$(psql -X -A -t -c "SELECT count(*) FROM subs WHERE id = 4")"
echo "alive=$(psql -X -A -t -c "SELECT 1")"
read -r _ _ _ _ _ _ log < <(pg_lsclusters -h "$PGVERSION" regress)
echo "plans_logged=$(grep -c "Query Text" "$log" || true)"
echo "audit_logged=$(grep -c "AUDIT:" "$log" || true)"
echo "addresses_in_log=$(grep -ciE "(logged|second|cast|literal)\.never@" "$log" || true)"
echo "masks_in_log=$(grep -ciE "[a-z]\*\*\*@example\.com" "$log" || true)"
' 2>/dev/null)
line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2; }
check() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3 ($order)"; else echo "not ok $n - $3 ($order): got '$1', expected '$2'"; fi; }
check "$(line lookups)" 1 "lookups by an address run under auto_explain and pgaudit"
check "$(line used)" 0 "plans and audit lines charge no quota"
check "$(line clear_after)" 2 "the quota is whole: both addresses still read in clear"
if [ "${order%%,*}" = listguard ]; then
    check "$(line copy_rows):$(line copy_refused)" "1:0" "COPY FROM into a protected table runs with listguard listed first"
else
    check "$(line copy_rows):$(line copy_refused)" "0:1" "COPY FROM into a protected table is refused with listguard listed after pgaudit"
fi
check "$(line alive)" 1 "the server is up after the COPY"
logged="$(line plans_logged):$(line audit_logged):$(line addresses_in_log)"
[ "$(line plans_logged)" -gt 0 ] && [ "$(line audit_logged)" -gt 0 ] && [ "$(line addresses_in_log)" = 0 ] &&
    [ "$(line masks_in_log)" -gt 0 ] && { n=$((n + 1)); echo "ok $n - plans, audit lines and errors are logged, addresses masked ($order)"; } ||
    { n=$((n + 1)); echo "not ok $n - plans, audit lines and errors are logged, addresses masked ($order): plans:audit:addresses $logged, masks $(line masks_in_log)"; }
done
