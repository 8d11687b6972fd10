#!/usr/bin/env bash
# FINDING (attack2, 0.3 COPY FROM): with pgaudit preloaded before listguard
# (shared_preload_libraries = 'pgaudit,listguard', any pgaudit.log but
# 'none'), one COPY FROM into a protected table by any role with INSERT on it
# kills its backend with SIGSEGV and the postmaster resets every session.
# listguard_ProcessUtility runs the COPY itself (run_protected_copy_from)
# without calling the ProcessUtility hooks below it, then ExecCheckRTPerms()
# calls pgaudit's ExecutorCheckPerms_hook, whose audit stack pgaudit's own
# (skipped) ProcessUtility hook would have pushed. With the hooks in the
# other order nothing crashes. Whatever the order, the libraries loaded
# before listguard never see the COPY (pgaudit logs no WRITE,COPY line,
# pg_stat_statements counts nothing).
#
# Needs PGBIN (a PostgreSQL 15 bin directory with listguard and pgaudit
# installed). Makes its own throwaway cluster on PORT (default 5581); run it
# as a non-root OS user (or set RUNAS=postgres when root).
set -u
PGBIN=${PGBIN:?set PGBIN}
PORT=${PORT:-5581}
DIR=$(mktemp -d /tmp/lg-atk07.XXXXXX)
as() { if [ -n "${RUNAS:-}" ]; then su "$RUNAS" -c "$*"; else sh -c "$*"; fi; }
[ -n "${RUNAS:-}" ] && chown "$RUNAS" "$DIR"
as "$PGBIN/initdb -D $DIR/data -U postgres -A trust" >/dev/null
cat >> "$DIR/data/postgresql.conf" <<CONF
port = $PORT
unix_socket_directories = '$DIR'
listen_addresses = ''
shared_preload_libraries = 'pgaudit,listguard'
pgaudit.log = 'ddl'
CONF
as "$PGBIN/pg_ctl -D $DIR/data -l $DIR/log -w start" >/dev/null
P="$PGBIN/psql -X -q -h $DIR -p $PORT -d postgres"
$P -U postgres >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION listguard;
CREATE ROLE app LOGIN;
CREATE TABLE subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL);
SELECT listguard.protect('subs', 'account_id', 'list_id');
GRANT SELECT, INSERT ON subs TO app;
GRANT USAGE ON SEQUENCE subs_id_seq TO app;
SQL
printf 'COPY subs (account_id, list_id, email) FROM stdin;\n1\t11\tjane@example.com\n\\.\n' | $P -U app  2>&1 | sed 's/^/  client: /'
sleep 1
if grep -q "terminated by signal 11" "$DIR/log"; then
    echo "FINDING: the COPY crashed the server:"; grep -E "signal 11|Failed process|terminating any other" "$DIR/log"
else
    echo "held: no crash"
fi
as "$PGBIN/pg_ctl -D $DIR/data -m immediate -w stop" >/dev/null
rm -rf "$DIR"
