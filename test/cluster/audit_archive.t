#!/usr/bin/env bash
# Retention of the audit trail (issue 23), as someone who wants a record
# gone would try it. Events are archived into sealed segment files in three
# rounds; the table then starts where the archive ends and verify_audit()
# says ok; the segments verify offline and give back exactly the events
# the table held. Then the segments are attacked on disk (an event edited,
# a segment deleted in the middle or at the end, two segments' names
# swapped, a segment cut, a header edited, an old segment put back in place
# of a newer one) and the table's record of them (a record deleted, the
# table's first events deleted after archiving): each is found. A dump of
# the archived database restores and verifies. Last, listguard.audit_retention
# has the housekeeper archive by itself.
set -u
cd "$(dirname "$0")"
. lib/servers.sh
. lib/tap.sh
trap "${KEEP_SERVERS:+:} servers_cleanup" EXIT
echo "1..39"

archive="$SERVERS_DIR/archive"
scratch="$SERVERS_DIR/scratch"
mkdir -p "$archive" "$scratch"
[ "$(id -u)" = 0 ] && chown postgres: "$archive" "$scratch"
primary_init "listguard.audit_archive_directory = '$archive'" >/dev/null
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION listguard;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('subs', 'account_id', 'list_id');
CREATE ROLE reader LOGIN;
GRANT SELECT ON subs TO reader;
SELECT listguard.grant_access('reader', 1, reveal => 'clear');
SQL
settle() {
    for _ in $(seq 200); do
        [ "$(on primary -c "SELECT listguard.audit_pending()")" = 0 ] && return 0
        sleep 0.05
    done
}
# Some events: rows written, read in clear, refused.
round() {
    for i in $(seq "$1" "$2"); do
        on primary -c "INSERT INTO subs VALUES ($i, 1, 10, 'archived$i@example.com')" >/dev/null
        on primary -c "SET ROLE reader" -c "SELECT email::text FROM subs WHERE id = $i" >/dev/null
    done
    on primary -c "SET ROLE reader" -c "SELECT listguard.grant_access('reader', 2)" >/dev/null 2>&1
    settle
}
all_events="SELECT string_agg(format('%s %s %s %s %s %s %s', id, kind, logged_at, xid, counts, detail,
                                     encode(link, 'hex')), E'\n' ORDER BY id) FROM"

round 1 10
on primary -c "$all_events listguard.audit_log" > "$SERVERS_DIR/events1"
seg1=$(on primary -c "SELECT segment FROM listguard.archive_audit(now())")
round 11 20
on primary -c "$all_events listguard.audit_log" > "$SERVERS_DIR/events2"
seg2=$(on primary -c "SELECT segment FROM listguard.archive_audit(now())")
round 21 30
on primary -c "$all_events listguard.audit_log" > "$SERVERS_DIR/events3"
seg3=$(on primary -c "SELECT segment FROM listguard.archive_audit(now())")
round 31 33

check "$(ls "$archive" | wc -l)" 3 "three archives made three segment files"
check "$(on primary -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() goes on from the archived head"
check "$(on primary -c "SELECT min(id) = (SELECT max(last_id) + 1 FROM listguard.audit_archives) FROM listguard.audit_log")" t \
    "the table starts where the archive ends"
check "$(on primary -c "SELECT count(*) FILTER (WHERE ok) || ' of ' || count(*) FROM listguard.verify_audit_archive()")" \
    "3 of 3" "every segment verifies, and they chain"
read_back=$(on primary -c "$all_events (SELECT * FROM listguard.read_audit_archive('$seg1')
                                        UNION ALL SELECT * FROM listguard.read_audit_archive('$seg2')
                                        UNION ALL SELECT * FROM listguard.read_audit_archive('$seg3')) a")
archived_before=$(cat "$SERVERS_DIR/events1"; on primary -c "$all_events (SELECT * FROM listguard.read_audit_archive('$seg2')
                                        UNION ALL SELECT * FROM listguard.read_audit_archive('$seg3')) a")
first_archived=$(head -n "$(on primary -c "SELECT last_id FROM listguard.audit_archives WHERE segment = '$seg1'")" "$SERVERS_DIR/events1")
check_true '[ "$(echo "$read_back" | head -n "$(echo "$first_archived" | wc -l)")" = "$first_archived" ]' \
    "the first segment gives back, field for field and link for link, the events the table held"
check "$(on primary -c "SELECT count(*) FROM listguard.audit_log WHERE id <= (SELECT max(last_id) FROM listguard.audit_archives)")" \
    0 "the archived events left the table"
check "$(on primary -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'audit_archived'
                         AND detail->>'segment' = '$seg3'")" 1 "the last archive is an audit_archived event in the chain"
check_true '! grep -q "archived[0-9]*@" "$archive"/*' "no segment holds an address"

# Attacks on the files, on copies (superusers may name any path).
attack() { rm -rf "$scratch"/*; cp -p "$archive"/* "$scratch"/; }
verify_scratch() { on primary -c "SELECT string_agg(format('%s:%s:%s', segment, ok, coalesce(first_broken::text, '-')), ' '
                                      ORDER BY first_id, segment) FROM listguard.verify_audit_archive('$scratch')"; }
problems_scratch() { on primary -c "SELECT string_agg(problem, ' / ') FROM listguard.verify_audit_archive('$scratch') WHERE NOT ok"; }
first2=$(on primary -c "SELECT first_id FROM listguard.audit_archives WHERE segment = '$seg2'")

attack
line=$(grep -n '^event ' "$scratch/$seg2" | sed -n 3p | cut -d: -f1)
sed -i "${line}s/\(.*\) \([A-Za-z0-9+\/]\)\([A-Za-z0-9+\/]*=*\)\$/\1 \3\2/" "$scratch/$seg2"
check_true '[[ "$(verify_scratch)" == *"$seg2:f:$((first2 + 2))"* ]]' \
    "an event edited in a segment is found, and named"

attack
rm "$scratch/$seg2"
check_true '[[ "$(problems_scratch)" == *"are missing: no segment holds them"* && "$(problems_scratch)" == *"that this database archived is missing"* ]]' \
    "a segment deleted between two others is found, by the gap and by the database's record"

attack
rm "$scratch/$seg1"
check_true '[[ "$(problems_scratch)" == *"are in no segment here"* ]]' \
    "the first segment deleted is found by where the chain starts"

attack
rm "$scratch/$seg3"
check_true '[[ "$(problems_scratch)" == *"that this database archived is missing"* ]]' \
    "the last segment deleted is found by the database's record"

attack
mv "$scratch/$seg1" "$scratch/tmp.lgseg"; mv "$scratch/$seg2" "$scratch/$seg1"; mv "$scratch/tmp.lgseg" "$scratch/$seg2"
check_true '[[ "$(problems_scratch)" == *"was renamed"* ]]' "two segments' names swapped (reordered) are found"

attack
grep -v "^event $((first2 + 1)) " "$scratch/$seg2" > "$scratch/x" && cat "$scratch/x" > "$scratch/$seg2" && rm "$scratch/x"
check_true '[[ "$(verify_scratch)" == *"$seg2:f:$((first2 + 1))"* ]]' "an event deleted from a segment is found"

attack
head -n -4 "$scratch/$seg3" > "$scratch/x" && cat "$scratch/x" > "$scratch/$seg3" && rm "$scratch/x"
check_true '[[ "$(problems_scratch)" == *"ends before its seal"* ]]' "a segment cut before its seal is found"

attack
sed -i 's/^archived_at \(.*\)$/archived_at 1\1/' "$scratch/$seg1"
check_true '[[ "$(problems_scratch)" == *"not sealed by this keyring"* ]]' "a header edited is found by the seal"

attack
sed -i '/^last_id/,$d' "$scratch/$seg2"
prev_exit=$(grep '^exit_link' "$archive/$seg1" | cut -d' ' -f2)
check_true '[ "$(on primary -c "SELECT ok FROM listguard.verify_audit_archive('"'$scratch/$seg1'"')")" = t ]' \
    "a single segment can be checked on its own"
check_true '[[ "$(on primary -c "SELECT ok FROM listguard.verify_audit_archive('"'$scratch/$seg2'"')")" = f ]]' \
    "a segment without its trailer does not verify on its own"

# Only admins, and only inside the archive directory unless superuser.
on primary -c "CREATE ROLE admin2 LOGIN" -c "GRANT listguard_admin TO admin2" >/dev/null
check_true '[[ "$(on primary -c "SET ROLE admin2" -c "SELECT count(*) FROM listguard.verify_audit_archive('"'$scratch'"')" 2>&1)" == *"only segments inside listguard.audit_archive_directory"* ]]' \
    "an admin may not name paths outside the archive directory"
check_true '[[ "$(on primary -c "SET ROLE admin2" -c "SELECT count(*) FROM listguard.read_audit_archive('"'../postgresql.conf'"')" 2>&1)" == *"only segments inside"* ]]' \
    "nor climb out of it"
check "$(on primary -c "SET ROLE admin2" -c "SELECT count(*) FROM listguard.verify_audit_archive() WHERE ok")" 3 \
    "an admin verifies the archive directory"
check_true '[[ "$(on primary -c "SET ROLE reader" -c "SELECT count(*) FROM listguard.archive_audit(now())" 2>&1)" == *"permission denied"* ]]' \
    "a non-admin may not archive"

# Attacks on the table's side: its first events, or its record of archives.
on primary -d postgres -c "CREATE DATABASE esp4" >/dev/null
on primary -d esp4 -c "CREATE EXTENSION listguard" -c "CREATE ROLE fourth" >/dev/null 2>&1
for i in 1 2 3 4; do on primary -d esp4 -c "SELECT listguard.grant_access('fourth', $i)" >/dev/null; done
sleep 0.5
on primary -d esp4 -c "SELECT segment FROM listguard.archive_audit(now())" >/dev/null
for i in 5 6 7; do on primary -d esp4 -c "SELECT listguard.grant_access('fourth', $i)" >/dev/null; done
sleep 0.5
first_in_table=$(on primary -d esp4 -c "SELECT min(id) FROM listguard.audit_log")
on primary -d esp4 -c "DELETE FROM listguard.audit_log WHERE id = $first_in_table" >/dev/null 2>&1
check_true '[[ "$(on primary -d esp4 -c "SELECT problem FROM listguard.verify_audit()")" == *"is missing: it was deleted"* ]]' \
    "the table's first event deleted after archiving is found"
check_true '[[ "$(on primary -d esp4 -c "SELECT count(*) FROM listguard.archive_audit(now())" 2>&1)" == *"the audit log starts at event"* ]]' \
    "and nothing more is archived from a log that does not go on from its archive"

# A fresh database for the record attacks: its last record deleted makes
# the table start past the archive's end.
on primary -d postgres -c "CREATE DATABASE esp2" >/dev/null
on primary -d esp2 -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION listguard;
CREATE ROLE other_reader;
SELECT listguard.grant_access('other_reader', 1);
SQL
for i in 1 2 3; do on primary -d esp2 -c "SELECT listguard.grant_access('other_reader', $((i + 1)))" >/dev/null; done
sleep 0.5
esp2_seg=$(on primary -d esp2 -c "SELECT segment FROM listguard.archive_audit(now())")
on primary -d esp2 -c "SELECT listguard.grant_access('other_reader', 9)" >/dev/null; sleep 0.5
on primary -d esp2 -c "SELECT segment FROM listguard.archive_audit(now())" >/dev/null
on primary -d esp2 -c "SELECT listguard.grant_access('other_reader', 10)" >/dev/null; sleep 0.5
check "$(on primary -d esp2 -c "SELECT ok FROM listguard.verify_audit()")" t "a second database archives twice and verifies"
# The archive directory is shared: an admin of esp (who may not even
# connect to esp2) reads esp2's trail from it (attack 89).
check "$(on primary -c "SET ROLE admin2" -c "SELECT count(*) FILTER (WHERE ok) || ' of ' || count(*) FROM listguard.verify_audit_archive()")" \
    "3 of 3" "an admin's verify_audit_archive() lists only its own database's segments"
check_true '[[ "$(on primary -c "SET ROLE admin2" -c "SELECT count(*) FROM listguard.verify_audit_archive('"'$esp2_seg'"')" 2>&1)" == *"is not of this database'"'"'s audit trail"* ]]' \
    "an admin may not verify another database's segment by name"
check_true '[[ "$(on primary -c "SET ROLE admin2" -c "SELECT count(*) FROM listguard.read_audit_archive('"'$esp2_seg'"')" 2>&1)" == *"is not of this database'"'"'s audit trail"* ]]' \
    "nor read its events"
check "$(on primary -c "SELECT count(*) > 0 FROM listguard.read_audit_archive('$esp2_seg')")" t \
    "a superuser still reads it from any database"
on primary -d esp2 -c "DELETE FROM listguard.audit_archives WHERE last_id = (SELECT max(last_id) FROM listguard.audit_archives)" >/dev/null 2>&1
check_true '[[ "$(on primary -d esp2 -c "SELECT problem FROM listguard.verify_audit()")" == *"are missing: they were deleted"* ]]' \
    "a record of the last archive deleted (to hide that events were cut) is found"
on primary -d esp2 -c "UPDATE listguard.audit_archives SET last_id = last_id + 1" >/dev/null 2>&1
check_true '[[ "$(on primary -d esp2 -c "SELECT problem FROM listguard.verify_audit()")" == *"not sealed by this keyring"* ]]' \
    "a record of an archive changed is found by its seal"
sleep 0.5
check "$(on primary -d esp2 -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'audit_log_modified' AND relation LIKE '%audit_archives%'")" \
    2 "the superuser's changes to the record of archives are recorded"

# A dump of the archived database restores, and verifies there.
on primary -d postgres -c "CREATE DATABASE esp3" >/dev/null
on primary -d esp3 -c "CREATE EXTENSION listguard" -c "CREATE TABLE t (id int, account_id bigint, list_id bigint, email listguard.email)" \
    -c "SELECT listguard.protect('t', 'account_id', 'list_id')" >/dev/null 2>&1
for i in 1 2 3; do on primary -d esp3 -c "INSERT INTO t VALUES ($i, 1, 10, 'restore$i@example.com')" >/dev/null; done
sleep 0.5
on primary -d esp3 -c "SELECT segment FROM listguard.archive_audit(now())" >/dev/null
on primary -d esp3 -c "INSERT INTO t VALUES (9, 1, 10, 'restore9@example.com')" >/dev/null; sleep 0.5
"$PGBIN/pg_dump" -h "$SERVERS_DIR" -p "$(port_of primary)" -U postgres -d esp3 -f "$SERVERS_DIR/esp3.sql" 2>/dev/null
on primary -d postgres -c "CREATE DATABASE esp3_restored" >/dev/null
on primary -d esp3_restored -f "$SERVERS_DIR/esp3.sql" >/dev/null 2>&1
sleep 1
check "$(on primary -d esp3_restored -c "SELECT ok FROM listguard.verify_audit()")" t \
    "a dump of an archived log restores and verifies from its archived head"
check "$(on primary -d esp3_restored -c "SELECT count(*) FROM listguard.audit_archives WHERE restored_at IS NOT NULL")" 1 \
    "the record of its archives came with it"

# Retention: the housekeeper archives what is older than audit_retention.
before=$(ls "$archive" | wc -l)
on primary -d postgres -c "ALTER SYSTEM SET listguard.audit_retention = '2s'" -c "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 100); do
    [ "$(ls "$archive" | grep -c 'lgseg$')" -gt "$before" ] && break
    sleep 0.3
done
check_true '[ "$(ls "$archive" | grep -c "lgseg$")" -gt "$before" ]' "listguard.audit_retention archives from the housekeeper"
sleep 1
check "$(on primary -c "SELECT ok FROM listguard.verify_audit()")" t "and the log still verifies"
on primary -d postgres -c "ALTER SYSTEM RESET listguard.audit_retention" -c "SELECT pg_reload_conf()" >/dev/null

# Junk named like a segment (attack 85): a FIFO blocked open() until a
# writer came, cancel and terminate unheard; a symbolic link could point
# anywhere. Each is reported, nothing read, and nothing waits.
mkfifo "$archive/x.lgseg"
ln -s /etc/passwd "$archive/y.lgseg"
[ "$(id -u)" = 0 ] && chown -h postgres: "$archive/x.lgseg" "$archive/y.lgseg"
junk=$(timeout 60 psql -X -q -A -t -p "$(port_of primary)" \
    -c "SELECT segment || ': ' || problem FROM listguard.verify_audit_archive() WHERE segment IN ('x.lgseg', 'y.lgseg') ORDER BY 1" 2>&1)
check_true '[[ "$junk" == *"x.lgseg: the segment is not a regular file (a FIFO)"* ]]' \
    "a FIFO named like a segment is reported, not waited on"
check_true '[[ "$junk" == *"y.lgseg: the segment is a symbolic link"* ]]' \
    "a symbolic link named like a segment is reported, not followed"
check_true '[[ "$(timeout 60 psql -X -q -A -t -p "$(port_of primary)" -c "SELECT count(*) FROM listguard.read_audit_archive('"'x.lgseg'"')" 2>&1)" == *"not a regular file"* ]]' \
    "and read_audit_archive() refuses it"
rm -f "$archive/x.lgseg" "$archive/y.lgseg"
