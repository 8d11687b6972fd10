#!/bin/bash
# Class 3 on a hot standby: a revocation replayed on the standby does not
# reach a session that holds a cursor (or a long statement) open there.
# take_in_access_changes() (src/pg/access/generation.cpp) only accepts
# invalidation messages when the shared access generation moved, and the
# generation moves in access_changes_at_transaction_end(), an xact callback
# of the backend that committed the change: WAL replay never bumps the
# standby's counter. The standby's cached decision (src/pg/access/cache.cpp)
# stays until the session next takes a new lock (a new statement on another
# relation, a new transaction). Expiry still holds (the clock).
# Usage: PRIMARY_PORT=5422 STANDBY_PORT=5423 03_standby_revocation.sh
# Needs the fixture of setup.sql on the primary, a standby made with
# pg_basebackup -R, PGBIN and PGHOST.
PP=${PRIMARY_PORT:-5422}; SP=${STANDBY_PORT:-5423}
q() { "$PGBIN/psql" -X -q -A -t "$@"; }
G=$(q -p "$PP" -d atk -c "SELECT listguard.grant_access('a_other', 2, 21, reveal => 'clear')" | tr -d '[:space:]')
LSN=$(q -p "$PP" -d atk -c "SELECT pg_current_wal_lsn()" | tr -d '[:space:]')
until [ "$(q -p "$SP" -d atk -c "SELECT pg_last_wal_replay_lsn() >= '$LSN'")" = t ]; do sleep 0.1; done
fifo=$(mktemp -u); mkfifo "$fifo"
"$PGBIN/psql" -X -q -A -t -p "$SP" -d atk -U a_other < "$fifo" > /tmp/standby_revocation.out 2>&1 &
exec 9> "$fifo"
echo "BEGIN; DECLARE c CURSOR FOR SELECT email FROM subs WHERE account_id = 2 ORDER BY id; FETCH 2 FROM c;" >&9
sleep 1
q -p "$PP" -d atk -c "SELECT listguard.revoke_access($G)" >/dev/null
LSN=$(q -p "$PP" -d atk -c "SELECT pg_current_wal_lsn()" | tr -d '[:space:]')
until [ "$(q -p "$SP" -d atk -c "SELECT pg_last_wal_replay_lsn() >= '$LSN'")" = t ]; do sleep 0.1; done
echo "replayed: the standby's grants row is gone: $(q -p "$SP" -d atk -c "SELECT count(*) = 0 FROM listguard.grants WHERE id = $G")"
sleep 2
echo "\echo after revocation:" >&9
echo "FETCH 3 FROM c;" >&9
echo "COMMIT;" >&9
exec 9>&-; wait; rm -f "$fifo"
cat /tmp/standby_revocation.out
grep -A3 "after revocation" /tmp/standby_revocation.out | grep -q '@example.org' && echo "FINDING: clear addresses after the revocation was replayed"
