#!/usr/bin/env bash
# 92: a role that reads a list (a6_clear, clear grant) and is also a monitor
# (listguard_monitor; an ops login with both is ordinary) looks in
# audit_events for the "canary" event of its account/list and its xid, then
# for rows of the list whose xmin is at or just after that xid: are they
# its planted canaries?
# Secure outcome: nothing a monitor reads points at a canary row (the
# canary event's xid, time and account/list are hidden or coarse).
# Result: FINDING (M). audit_events gives the canary event's xid; planting
# inserts each canary in a subtransaction whose xid lies between it and the
# next transaction's xid (the next event's), so the role's own rows with
# xmin in that window are exactly its canaries (the two planted, both from
# the pool; none of the 40 signups just before and after). A reader that is
# also a monitor spots and avoids its canaries. Fix: leave xid (and
# backend_pid) out of audit_events, or null it for canary events and the
# rows_changed of the same transaction; plant canaries with the xmin of an
# ordinary signup (e.g. later, from the housekeeper, among real signups).
. "$(dirname "$0")/atk6_env.sh"
fresh
sq -c "SELECT listguard.add_canary_addresses(ARRAY['trap.one@gmail.com', 'trap.two@gmail.com', 'trap.three@gmail.com'])" >/dev/null
sq -c "GRANT listguard_monitor TO a6_clear" -c "GRANT USAGE ON SEQUENCE subs_id_seq TO a6_clear"
sq -c "INSERT INTO subs (account_id, list_id, email) SELECT 1, 11, format('later%s@example.com', g) FROM generate_series(1, 20) g" >/dev/null
sq -c "SELECT listguard.plant_canaries('subs', 1, 11, ARRAY['a6_clear']::regrole[], per_role => 2)" >/dev/null
sq -c "INSERT INTO subs (account_id, list_id, email) SELECT 1, 11, format('after%s@example.com', g) FROM generate_series(1, 20) g" >/dev/null
settle
U=a6_clear sq <<'SQL'
CREATE TEMP TABLE ev AS SELECT id, kind, account, list, xid::text::bigint AS x FROM listguard.audit_events WHERE xid IS NOT NULL;
SELECT 'canary event: id ' || id || ', xid ' || x || ', account ' || account || ', list ' || list FROM ev
WHERE kind = 'canary' AND account = 1 ORDER BY id DESC LIMIT 1;
-- Planting's rows carry subtransaction xids just above the event's xid and
-- below the next transaction's (the next event with a larger xid).
WITH c AS (SELECT x FROM ev WHERE kind = 'canary' AND account = 1 ORDER BY id DESC LIMIT 1),
     n AS (SELECT min(ev.x) AS x FROM ev, c WHERE ev.x > c.x)
SELECT 'suspects: ' || string_agg(email::text, ', ') FROM subs, c, n
WHERE account_id = 1 AND list_id = 11 AND xmin::text::bigint > c.x AND xmin::text::bigint < coalesce(n.x, c.x + 100);
SQL
echo "canaries planted: $(sq -c "SELECT count(*) FROM listguard.canaries WHERE relid IS NOT NULL AND removed_at IS NULL") (pool addresses trap.*@gmail.com; the signups just before and after are later*/after*@example.com)"
sq -c "REVOKE listguard_monitor FROM a6_clear"
