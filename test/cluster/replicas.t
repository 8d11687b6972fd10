#!/usr/bin/env bash
# A primary and two hot standbys made with pg_basebackup -R: one export
# budget and one audit trail for the three. A role with quota 100 reading
# from all three at once gets at most 100 clear values; with the primary
# stopped a standby's clear reads fail closed within a second while masked
# reads go on, and work again when it is back; standby events reach the
# primary's audit_log in its chain; a revocation replayed on a standby takes
# effect for a cursor held open there; a promoted standby keeps the quota used.
set -u
cd "$(dirname "$0")"
. lib/servers.sh
. lib/tap.sh
trap "${KEEP_SERVERS:+:} servers_cleanup" EXIT
echo "1..24"

primary_init >/dev/null
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION listguard;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('subs', 'account_id', 'list_id');
INSERT INTO subs SELECT g, 1, 10, 'member' || g || '@example.com' FROM generate_series(1, 400) g;
CREATE ROLE exporter LOGIN;
CREATE ROLE spare LOGIN;
CREATE ROLE viewer LOGIN;
CREATE ROLE late LOGIN;
CREATE ROLE later LOGIN;
CREATE ROLE localr LOGIN;
CREATE ROLE free LOGIN;
GRANT SELECT ON subs TO exporter, spare, viewer, late, later, localr, free;
SELECT listguard.grant_access('exporter', 1, reveal => 'clear', quota => '100/day');
SELECT listguard.grant_access('spare', 1, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('viewer', 1, reveal => 'masked');
SELECT listguard.grant_access('late', 1, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('later', 1, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('localr', 1, reveal => 'clear', quota => '10/day');
SELECT listguard.grant_access('free', 1, reveal => 'clear');
-- Sessions on a standby that hold a cursor open: a clear grant of their
-- own, or through a group (and a masked one on every account).
CREATE ROLE holder LOGIN;
CREATE ROLE member LOGIN;
CREATE ROLE holders;
GRANT holders TO member;
GRANT SELECT ON subs TO holder, member;
SELECT listguard.grant_access('holder', NULL, reveal => 'masked');
SELECT listguard.grant_access('member', NULL, reveal => 'masked');
SELECT listguard.grant_access('holder', 1, reveal => 'clear', reason => 'holder clear');
SELECT listguard.grant_access('holders', 1, reveal => 'clear');
-- The standbys' links log in with only the rights they need.
CREATE ROLE standby_link LOGIN;
GRANT listguard_standby TO standby_link;
SQL
# The database's owner (no other right) sets defaults for every session,
# the link's too: they must not keep its events out of the primary's chain
# (read-only) or cut it (idle timeout). The link does not pin these: it
# resets every setting a database or role default reached.
on primary -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE dbo LOGIN;
ALTER DATABASE esp OWNER TO dbo;
SQL
on primary -U dbo -c "ALTER DATABASE esp SET default_transaction_read_only = on" \
    -c "ALTER DATABASE esp SET idle_session_timeout = '200ms'" >/dev/null
link="listguard.primary_conninfo = 'host=$SERVERS_DIR port=$(port_of primary) user=standby_link'"
standby_init standby1 "$link"
standby_init standby2 "$link"
wait_replayed standby1
wait_replayed standby2

# 1-2: events raised on a standby are in the primary's audit log, chained.
on standby1 -U spare -c "SELECT email FROM subs WHERE id <= 3" >/dev/null
on standby2 -U spare -c "SELECT email FROM subs WHERE id <= 3" >/dev/null
shipped=$(count_reaches primary 1 "SELECT count(*) FROM listguard.audit_log WHERE origin = 'standby1' AND kind = 'clear_reveal'")
check "$shipped" 1 "a clear reveal on standby1 is in the primary's audit_log with origin standby1"
check "$(on primary -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is ok with the standby's events in the chain"

# 3-4: quota 100, read from all three servers at once, one value at a time.
reads() {
    for i in $(seq 1 150); do echo "SELECT email FROM subs WHERE id = $i; SELECT pg_sleep(0.003);"; done |
        on "$1" -U exporter 2>>"$SERVERS_DIR/errors.$1" | grep -c '@example.com$'
}
reads primary >"$SERVERS_DIR/reads.primary" &
reads standby1 >"$SERVERS_DIR/reads.standby1" &
reads standby2 >"$SERVERS_DIR/reads.standby2" &
wait
p=$(cat "$SERVERS_DIR/reads.primary"); s1=$(cat "$SERVERS_DIR/reads.standby1"); s2=$(cat "$SERVERS_DIR/reads.standby2")
total=$((p + s1 + s2))
echo "# clear values: primary $p, standby1 $s1, standby2 $s2, total $total"
for f in "$SERVERS_DIR"/errors.*; do echo "# $(basename "$f"): $(grep ERROR "$f" | sort | uniq -c | head -3)"; done
check_true "[ $total -le 100 ]" "quota 100 read from three servers in parallel: at most 100 clear values in total ($total)"
check_true "[ $s1 -gt 0 ] && [ $s2 -gt 0 ] && [ $total -ge 80 ]" \
    "each standby got clear values from the shared budget, and little of it lay unused in leases"

# 5: the quota events of the standbys reached the primary too.
sleep 1
check_true "[ \$(on primary -c \"SELECT count(DISTINCT origin) FROM listguard.audit_log WHERE origin IS NOT NULL\") -eq 2 ]" \
    "both standbys' events are in the primary's audit log"

# 6-7: a revocation (of a grant, of a group membership) replayed on a
# standby takes effect there for a cursor declared before it, in a
# transaction held open: WAL replay commits no transaction on the standby,
# so nothing there bumps the access generation; its backends take in the
# replayed invalidations before each value.
hold() { # hold ROLE: a session on standby1 that fetches from a cursor when told
    mkfifo "$SERVERS_DIR/$1.in"
    on standby1 -U "$1" <"$SERVERS_DIR/$1.in" >"$SERVERS_DIR/$1.out" 2>&1 &
    held="$held $!"
    eval "exec $2>\"$SERVERS_DIR/$1.in\""
    echo "BEGIN; DECLARE c CURSOR FOR SELECT email FROM subs ORDER BY id; FETCH 2 FROM c;" >&"$2"
}
held=""
hold holder 7
hold member 8
count_clear() { grep -c '^member[0-9]*@example.com$' "$SERVERS_DIR/$1.out"; }
for _ in $(seq 100); do
    [ "$(count_clear holder)" = 2 ] && [ "$(count_clear member)" = 2 ] && break
    sleep 0.1
done
echo "# before: holder $(count_clear holder), member $(count_clear member) clear values"
on primary >/dev/null <<'SQL'
SET default_transaction_read_only = off; -- the database owner's default (above)
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE reason = 'holder clear';
REVOKE holders FROM member;
SQL
wait_replayed standby1
for fd in 7 8; do
    echo '\echo after' >&"$fd"; echo "FETCH 3 FROM c;" >&"$fd"; echo "COMMIT;" >&"$fd"
done
exec 7>&- 8>&-
wait $held
after() { sed -n '/^after$/,$p' "$SERVERS_DIR/$1.out"; }
echo "# holder after: $(after holder | tr '\n' ' ')"
echo "# member after: $(after member | tr '\n' ' ')"
check_true "[ \$(count_clear holder) = 2 ] && [ \$(after holder | grep -c '^m\*\*\*@example.com$') = 3 ] && [ \$(after holder | grep -c '^member') = 0 ]" \
    "a revoked grant, replayed on the standby, reaches a cursor held open there"
check_true "[ \$(count_clear member) = 2 ] && [ \$(after member | grep -c '^m\*\*\*@example.com$') = 3 ] && [ \$(after member | grep -c '^member') = 0 ]" \
    "a revoked group membership, replayed on the standby, reaches a cursor held open there"

# 8-10: the primary stops. Clear reads on a standby fail closed within a
# second (SQLSTATE LG002); masked reads go on. (A role that holds a lease
# may spend it first: the primary counted it when it granted it.)
server_stop primary
# timed_read ROLE: a clear read of 50 rows on standby1; its error, and how
# long the statement took on the server (psql's start-up left out).
timed_read() {
    out=$(on standby1 -U "$1" 2>&1 <<'SQL'
\set VERBOSITY verbose
SELECT clock_timestamp() AS t0 \gset
SELECT email FROM subs WHERE id <= 50;
SELECT 'ms=' || round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SQL
)
    err=$(printf '%s\n' "$out" | grep ERROR)
    ms=$(printf '%s\n' "$out" | sed -n 's/^ms=//p')
}
timed_read late
echo "# fail closed in $ms ms: $(printf '%s' "$err" | head -1)"
check "$(printf '%s' "$err" | grep -o 'LG002' | head -1)" LG002 "a clear read on a standby fails with LG002 while the primary is down"
check_true "[ ${ms:-99999} -le 1500 ]" "it fails within a second (slack for a loaded machine): $ms ms"
check "$(on standby1 -U viewer -c "SELECT count(*) FROM subs WHERE email::text LIKE '%*%'")" 400 \
    "masked reads on the standby go on"

# 11-12: the primary is back: the standby recovers without a restart, and
# what it raised meanwhile (the refusal) reaches the primary's log, though
# the standby itself restarted while cut off (the events waited on disk).
server_stop standby1
server_start standby1
server_start primary
ok=0
for _ in $(seq 50); do
    got=$(on standby1 -U spare -c "SELECT count(*) FROM (SELECT email::text FROM subs WHERE id <= 20) s WHERE email LIKE 'member%'" 2>/dev/null)
    [ "$got" = 20 ] && { ok=1; break; }
    sleep 0.2
done
check "$ok" 1 "clear reads on the standby work again once the primary is back, without a restart"
refused=$(count_reaches primary 1 "SELECT count(*) FROM listguard.audit_log WHERE origin = 'standby1' AND kind = 'quota_exceeded' AND detail->>'standby' = 'primary unreachable'")
check_true "[ ${refused:-0} -ge 1 ]" "the refusal raised while the primary was down is in its audit log now"
check "$(on primary -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is still ok"

# 13-14: a primary that stops answering (frozen, not down: no connection is
# refused) also fails clear reads closed within a second.
frozen=$(as_server cat "$SERVERS_DIR/primary/postmaster.pid" | head -1)
kill -STOP "$frozen" $(pgrep -P "$frozen")
timed_read later
kill -CONT "$frozen" $(pgrep -P "$frozen")
echo "# frozen primary: failed closed in $ms ms"
check "$(printf '%s' "$err" | grep -c 'cannot be counted on this standby')" 1 "a frozen primary: clear reads on the standby fail closed"
check_true "[ ${ms:-99999} -le 1500 ]" "within a second of waiting for the lease (slack for a loaded machine): $ms ms"

# 15: 'deny' refuses clear reveals under a quota on the standby at once.
as_server tee -a "$SERVERS_DIR/standby1/postgresql.auto.conf" >/dev/null <<<"listguard.standby_quota = 'deny'"
on standby1 -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.3
err=$(on standby1 -U spare -c "SELECT email FROM subs WHERE id = 300" 2>&1 >/dev/null)
check "$(printf '%s' "$err" | grep -c 'cannot be counted on this standby')" 1 "standby_quota = 'deny' refuses clear reveals under a quota"

# 16: 'local' is 0.1's behaviour: the standby counts on its own (each
# server allows the whole quota), and the primary's counts do not reach it.
as_server sed -i '/listguard.standby_quota/d' "$SERVERS_DIR/standby1/postgresql.auto.conf"
as_server tee -a "$SERVERS_DIR/standby1/postgresql.auto.conf" >/dev/null <<<"listguard.standby_quota = 'local'"
on standby1 -c "SELECT pg_reload_conf()" >/dev/null
on primary -U localr -c "SELECT email FROM subs WHERE id <= 10" >/dev/null
sleep 1.5 # a mirror round, if there were one
got=$(for i in $(seq 1 15); do echo "SELECT email FROM subs WHERE id = $i;"; done |
      on standby1 -U localr 2>/dev/null | grep -c '@example.com$')
check "$got" 10 "standby_quota = 'local': the standby allows the whole quota again (k x N)"

# 17: a standby stopped in the middle of a burst of reads: every clear value
# its clients received has its event in the primary's log (the link ships
# or keeps on disk what is queued before it stops).
for i in $(seq 1 20000); do echo "SELECT email FROM subs WHERE id = $(( i % 400 + 1 ));"; done |
    on standby1 -U free 2>/dev/null | grep -c '@example.com$' >"$SERVERS_DIR/burst" &
burst=$!
sleep 1.5
server_stop standby1
wait $burst
server_start standby1
received=$(cat "$SERVERS_DIR/burst")
recorded=$(count_reaches primary "$received" "SELECT coalesce(sum((counts->>'clear')::int), 0) FROM listguard.audit_log WHERE origin = 'standby1' AND kind = 'clear_reveal' AND session_user_name = 'free'")
echo "# burst: $received clear values received, $recorded recorded"
check_true "[ $received -gt 0 ] && [ $recorded -ge $received ]" "a standby stopped mid-burst loses no event of what its clients received"

# 18-24: the primary fails; standby2 is promoted. It keeps the quota used
# (exporter has none left) and the events it raised while cut off.
wait_replayed standby2
sleep 1.5 # one mirror round of the link
server_stop primary
on standby2 -U late -c "SELECT email FROM subs WHERE id <= 5" >/dev/null 2>&1
on standby2 -c "SELECT pg_promote()" >/dev/null
for _ in $(seq 300); do [ "$(on standby2 -c "SELECT pg_is_in_recovery()")" = f ] && break; sleep 0.1; done
sleep 1.5 # the housekeeper's round: the leases end
# Before any new event there: the kept events are written on their own.
kept=$(count_reaches standby2 1 "SELECT count(*) FROM listguard.audit_log WHERE origin = 'standby2' AND kind = 'quota_exceeded' AND session_user_name = 'late'")
used=$(on standby2 -c "SELECT used FROM listguard.quota_usage WHERE role::text = 'exporter'")
echo "# quota used on the promoted standby: $used"
err=$(on standby2 -U exporter -c "SELECT email FROM subs WHERE id = 200" 2>&1 >/dev/null)
check "$(printf '%s' "$err" | grep -c 'export quota exceeded')" 1 "after promotion the exporter's used-up quota stays used up"
check_true "[ ${used:-0} -ge $total ]" "the promoted server counts at least what the three revealed to exporter ($used >= $total)"
check_true "[ ${kept:-0} -ge 1 ]" "the event standby2 raised while cut off is in its own audit log after promotion"
check "$(on standby2 -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is ok on the promoted server"
# A promotion is said once, by the promoted standby only: a primary that
# starts (it ran its housekeeper before the end of its startup) was never
# promoted.
check "$(grep -c 'from now on (promoted)' "$(server_log standby2)")" 1 "the promoted standby logs its promotion"
check "$(grep -c 'from now on (promoted)' "$(server_log primary)")" 0 "the primary, started and restarted, never logs a promotion"
