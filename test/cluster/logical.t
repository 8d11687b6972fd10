#!/usr/bin/env bash
# Logical replication of a protected table. With a subscription whose role
# has a sealed grant on every account, the values arrive as sealed tokens
# and keep their stamps on the subscriber (a reader scoped to one list sees
# them in clear there), in the initial copy and in streamed changes. A role
# without one is refused loudly (the sync fails with its error) instead of
# syncing no rows, or masks, and reporting ready.
set -u
cd "$(dirname "$0")"
. lib/servers.sh
. lib/tap.sh
trap "${KEEP_SERVERS:+:} servers_cleanup" EXIT
echo "1..9"

primary_init >/dev/null
for db in esp esp_copy esp_none esp_scoped; do on primary -d postgres -c "CREATE DATABASE $db" >/dev/null; done
table="CREATE EXTENSION listguard;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('subs', 'account_id', 'list_id');"
on primary -d esp -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
$table
INSERT INTO subs SELECT g, 1 + g % 2, 10 + g % 2, 'member' || g || '@example.com' FROM generate_series(1, 100) g;
CREATE PUBLICATION pub FOR TABLE subs;
CREATE ROLE repl_sealed LOGIN REPLICATION;
CREATE ROLE repl_none LOGIN REPLICATION;
CREATE ROLE repl_scoped LOGIN REPLICATION;
CREATE ROLE repl_sql LOGIN REPLICATION;
GRANT SELECT ON subs TO repl_sealed, repl_none, repl_scoped;
SELECT listguard.grant_access('repl_sealed', NULL, reveal => 'sealed');
SELECT listguard.grant_access('repl_scoped', 1, reveal => 'clear');
SELECT pg_create_logical_replication_slot('s_sealed', 'pgoutput');
SELECT pg_create_logical_replication_slot('s_none', 'pgoutput');
SELECT pg_create_logical_replication_slot('s_scoped', 'pgoutput');
SQL
subscribe() { # database role slot
    on primary -d "$1" -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
$table
CREATE ROLE reader_$1;
GRANT SELECT ON subs TO reader_$1;
SELECT listguard.grant_access('reader_$1', 2, 11, reveal => 'clear');
CREATE SUBSCRIPTION sub CONNECTION 'host=$SERVERS_DIR port=$(port_of primary) dbname=esp user=$2'
    PUBLICATION pub WITH (create_slot = false, slot_name = '$3');
SQL
}
subscribe esp_copy repl_sealed s_sealed
subscribe esp_none repl_none s_none
subscribe esp_scoped repl_scoped s_scoped

synced() { on primary -d "$1" -c "SELECT count(*) FILTER (WHERE srsubstate = 'r') FROM pg_subscription_rel"; }
for _ in $(seq 300); do [ "$(synced esp_copy)" = 1 ] && break; sleep 0.1; done
check "$(synced esp_copy)" 1 "a subscription whose role has a sealed grant syncs"
check "$(on primary -d esp_copy -c "SELECT count(*) FROM subs")" 100 "every row arrives"
clear_on_copy() { on primary -d esp_copy -c "SET ROLE reader_esp_copy" -c "SELECT count(*) FROM subs WHERE email::text LIKE '%member%@example.com' AND email::text NOT LIKE '%*%'"; }
check "$(clear_on_copy)" 50 "values keep their stamps: a reader of account 2 list 11 sees its 50 rows in clear there"
on primary -d esp -c "INSERT INTO subs VALUES (1001, 2, 11, 'new.member@example.com')" >/dev/null
for _ in $(seq 300); do [ "$(clear_on_copy)" = 51 ] && break; sleep 0.1; done
check "$(clear_on_copy)" 51 "a streamed insert keeps its stamp too"

refusals=0
for _ in $(seq 300); do
    refusals=$(grep -c 'role "repl_none" cannot replicate listguard.email values' "$(server_log primary)")
    [ "$refusals" -ge 1 ] && break
    sleep 0.1
done
check "$([ "$refusals" -ge 1 ] && echo logged)" logged "the refusal is in the server log, for the subscription's owner to see"
check "$(synced esp_none):$(on primary -d esp_none -c "SELECT count(*) FROM subs")" "0:0" \
    "a role without a grant does not sync and is not reported ready"
check "$(synced esp_scoped):$(on primary -d esp_scoped -c "SELECT count(*) FROM subs")" "0:0" \
    "a role with a clear grant on one account only is refused too (it would copy a part)"

# 8-9: logical decoding called from SQL (pg_logical_slot_peek_changes, in
# an ordinary backend) follows the same rule: a REPLICATION role without the
# grant is refused, not shown the masks of every account's new rows; one
# with it gets sealed tokens.
on primary -d esp -U repl_sql -c "SELECT pg_create_logical_replication_slot('s_sql', 'test_decoding')" >/dev/null
on primary -d esp -c "INSERT INTO subs VALUES (1002, 2, 11, 'decoded.member@example.com')" >/dev/null
err=$(on primary -d esp -U repl_sql -c "SELECT data FROM pg_logical_slot_peek_changes('s_sql', NULL, NULL)" 2>&1)
check "$(printf '%s' "$err" | grep -c 'role "repl_sql" cannot replicate listguard.email values')" 1 \
    "SQL-level decoding by a REPLICATION role without a sealed grant is refused"
tokens=$(on primary -d esp -U repl_sealed -c "SELECT data FROM pg_logical_slot_peek_changes('s_sql', NULL, NULL)" 2>&1 |
         grep -c "email\[listguard.email\]:'lg1:")
check "$tokens" 1 "a role with the grant decodes the new row's address as a sealed token"
