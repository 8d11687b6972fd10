#!/usr/bin/env bash
# 48 — Citus: laundering values across accounts through distributed paths.
#
# Tries: launder (clear + write on account 1, masked + write on account 2)
# copies account-2 values into account 1, where it would read them in
# clear: INSERT ... SELECT pulled to the coordinator (LIMIT), pushed down
# (same list, colocated), repartitioned into a table distributed by
# account, a CTE (intermediate result), an UPDATE moving rows' account in
# place, ON CONFLICT DO NOTHING; and with a transit token of an account-2
# value (captured through a proven session, 40) fed to INSERT and COPY.
# Secure outcome: every path refused (42501), no account-1 row reads an
# account-2 address in clear.
# Result: held (each refused on the worker that holds the target shard).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'launder') THEN CREATE ROLE launder LOGIN; END IF; END $$;
GRANT USAGE ON SCHEMA listguard TO launder;
GRANT SELECT, INSERT, UPDATE ON subs TO launder;
GRANT USAGE ON SEQUENCE subs_id_seq TO launder;
SELECT listguard.grant_access('launder', 1, reveal => 'clear', can_write => true)
  WHERE NOT EXISTS (SELECT FROM listguard.grants WHERE grantee = 'launder'::regrole AND account = 1);
SELECT listguard.grant_access('launder', 2, reveal => 'masked', can_write => true)
  WHERE NOT EXISTS (SELECT FROM listguard.grants WHERE grantee = 'launder'::regrole AND account = 2);
CREATE TABLE IF NOT EXISTS by_acct (id bigint, account_id bigint NOT NULL, list_id bigint, email listguard.email);
SQL
if [ "$(at coordinator -c "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'by_acct'::regclass")" = 0 ]; then
    at coordinator -c "SELECT create_distributed_table('by_acct', 'account_id')" >/dev/null
    at coordinator -c "SELECT listguard.protect('by_acct', 'account_id', 'list_id')" -c "GRANT SELECT, INSERT ON by_acct TO launder" >/dev/null
fi
before=$(at coordinator -U launder -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM subs WHERE account_id = 1")
cat >$ATK_DIR/48.sql <<'SQL'
\set VERBOSITY terse
INSERT INTO subs (account_id, list_id, email) SELECT 1, 10, email FROM subs WHERE account_id = 2 LIMIT 1;
INSERT INTO subs (account_id, list_id, email) SELECT 1, list_id, email FROM subs WHERE account_id = 2;
INSERT INTO by_acct SELECT id, 1, list_id, email FROM subs WHERE account_id = 2;
WITH x AS (SELECT email FROM subs WHERE account_id = 2 LIMIT 3) INSERT INTO subs (account_id, list_id, email) SELECT 1, 11, email FROM x;
UPDATE subs SET account_id = 1 WHERE account_id = 2 AND list_id = 11;
UPDATE subs SET email = (SELECT email FROM subs s2 WHERE s2.list_id = subs.list_id AND s2.account_id = 2 LIMIT 1) WHERE account_id = 1 AND list_id = 11;
INSERT INTO subs (account_id, list_id, email) SELECT 1, 10, e FROM (SELECT email AS e FROM subs WHERE account_id = 2 ORDER BY id LIMIT 2) s ON CONFLICT DO NOTHING;
SQL
at coordinator -U launder -f $ATK_DIR/48.sql 2>&1 | tee $ATK_DIR/48.err
read -r shard node < <(shard_of 11)
read -r proof gpid < <(ATTACKER=launder capture_proof)
tok=$(PGAPPNAME="citus_internal gpid=$gpid" PGOPTIONS="-c listguard.citus_proof=$proof" at "$node" -U launder -c "SELECT email FROM $shard WHERE account_id = 2 LIMIT 1")
echo "token of an account-2 value: ${tok:0:30}..."
at coordinator -U launder -c "INSERT INTO subs (account_id, list_id, email) VALUES (1, 10, '$tok')" 2>&1 | tee -a $ATK_DIR/48.err
printf '1\t10\t%s\n' "$tok" | at coordinator -U launder -c "COPY subs (account_id, list_id, email) FROM STDIN" 2>&1 | tee -a $ATK_DIR/48.err
after=$(at coordinator -U launder -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM subs WHERE account_id = 1")
byacct=$(at coordinator -U launder -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM by_acct")
refused=$(grep -c 'permission denied to move' $ATK_DIR/48.err)
echo "account-1 clear rows: $before -> $after; by_acct clear: $byacct; refusals: $refused"
[ "$after" = "$before" ] && [ "$byacct" = 0 ] && echo "RESULT: held" || echo "RESULT: FINDING"
