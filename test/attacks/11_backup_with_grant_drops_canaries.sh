#!/usr/bin/env bash
# FINDING (attack2, listguard_backup): a backup login that also holds a grant
# of its own (any reveal) dumps the protected tables without the canaries of
# other roles in the accounts it is granted, silently. lg_can_read_row
# (src/pg/canary/functions.cpp) lets a backup read every row only when
# `!access.can_read`; with a grant, row_visible() hides other roles'
# canaries as for any reader. pg_dump succeeds; the restore has no canaries
# for those lists (and trace_leak() finds nothing after a leak).
# Needs the fixture of setup.sql; PGBIN, PGHOST, PGPORT (superuser postgres).
set -u
P="$PGBIN/psql -X -q -At -d atk"
$P -U postgres -c "CREATE ROLE a_bk2 LOGIN IN ROLE listguard_backup" \
   -c "SELECT listguard.grant_access('a_bk2', 1, 11) > 0"  >/dev/null
$P -U postgres -c "CREATE ROLE a_bk1 LOGIN IN ROLE listguard_backup" >/dev/null
for r in a_bk1 a_bk2; do
    n=$(PGUSER=$r "$PGBIN/pg_dump" --enable-row-security -d atk -t public.subs --data-only \
        | awk '/^COPY public.subs /{on=1; next} /^\\\./{on=0} on' | wc -l)
    echo "$r dumps $n rows of subs"
done
echo "rows in subs: $($P -U postgres -c "SELECT count(*) FROM subs" )"
$P -U postgres -c "SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'a_bk2'::regrole" >/dev/null
$P -U postgres -c "DROP ROLE a_bk1" -c "DROP ROLE a_bk2"
