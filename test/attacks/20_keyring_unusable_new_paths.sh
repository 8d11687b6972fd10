#!/usr/bin/env bash
# Round 3, class 2 (errors while an error is handled, keyring unusable) over
# 0.3's new paths: with the key file missing (or a duplicated line), an
# ordinary role runs write-back UPDATEs (literal and bound placeholders),
# rewritten lookups, protected COPY FROM, cursors WITH HOLD committed,
# subtransactions, PL/pgSQL handlers and a prepared transaction. Each must
# fail with F0000 (or work where no key is needed) and no backend may die.
# Expected secure outcome: no "terminated by signal" in the server log, the
# postmaster never resets.
# RESULT: held (F0000 each time, no crash, three keyring faults).
# Needs PGHOST, PGPORT, PGDATA (to move the key file; run as root or the
# server's OS user), the setup.sql fixture.
set -u
KEY=${PGDATA:?}/listguard.key
P="psql -X -d atk"
log_before=$(wc -l < "${SERVERLOG:?set SERVERLOG}")
battery() {
$P -U a_cnt <<'SQL' 2>&1 | grep -E "ERROR|FATAL|server closed|terminated" | sort | uniq -c
\set ON_ERROR_STOP 0
select email from subs where id = 1;
update subs set email = 'u***@example.com' where id = 1;
prepare w(listguard.email) as update subs set email = $1 where id = 2;
execute w('u***@example.com');
select id from subs where email::text = 'user3@example.com';
select id from subs where lower(email::text) = lower($$USER3@example.com$$);
copy subs (account_id, list_id, email) from stdin;
1	11	copyin1@example.com
\.
begin; declare c cursor with hold for select email from subs where id <= 3; commit;
fetch all from c;
begin; declare d cursor with hold for select email::text from subs where id <= 3; commit;
begin; savepoint s; select email from subs where id = 1; rollback to s; select 1; commit;
do $$ begin perform email::text from subs where id = 1; exception when others then raise notice 'caught %', sqlstate; end $$;
do $$ begin update subs set email = email where id = 1; exception when others then raise notice 'caught %', sqlstate; end $$;
begin; insert into subs (account_id, list_id, email) values (1, 11, 'twophase@example.com'); prepare transaction 'lg_atk3'; 
commit prepared 'lg_atk3';
select listguard._written_back(email, 'u***@example.com'::text, 'subs'::regclass, 4::int2) from subs where id = 1;
select * from listguard.quota_usage;
SQL
}
echo "== key file missing"
mv "$KEY" "$KEY.atk3" 2>/dev/null || { echo "no key file at $KEY"; exit 1; }
battery
echo "== key file with a duplicated line"
{ cat "$KEY.atk3"; tail -1 "$KEY.atk3"; } > "$KEY"; chmod 600 "$KEY"; chown --reference="$KEY.atk3" "$KEY" 2>/dev/null
battery
echo "== key file truncated"
head -c 20 "$KEY.atk3" > "$KEY"
battery
mv "$KEY.atk3" "$KEY"
psql -X -d atk -U postgres -c "rollback prepared 'lg_atk3'" >/dev/null 2>&1
echo "== server log since:"
tail -n +"$((log_before + 1))" "$SERVERLOG" | grep -E "terminated by signal|was terminated|PANIC|all server processes|TRAP" || echo "no crash"
