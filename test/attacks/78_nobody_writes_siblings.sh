#!/usr/bin/env bash
# 78 (attack7): siblings of 72 (writes by a require_principal application
# acting for nobody). SQL injected into webapp, no assertion, tries:
# INSERT ... ON CONFLICT DO UPDATE (overwrite an account-2 address through
# the conflict path), ON CONFLICT DO NOTHING into account 2, DELETE (webapp
# given DELETE for this script), MERGE (PostgreSQL 15), a writable CTE, a
# trigger on a temp table of its own that inserts into subscribers, COPY
# FROM, UPDATE through an updatable view of its own, and the same after SET
# ROLE to a role the application belongs to that may write (w7, can_write
# on account 2), and as jobs7 (a member of webapp) after SET ROLE w7.
# Secure outcome: every write refused; the account-2 row unchanged.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
sq >/dev/null 2>&1 <<'SQL'
GRANT DELETE ON subscribers TO webapp;
CREATE ROLE w7 NOLOGIN; CREATE ROLE jobs7 LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON subscribers TO w7; GRANT USAGE ON SEQUENCE subscribers_id_seq TO w7;
SELECT listguard.grant_access('w7', 2, reveal => 'masked', can_write => true);
GRANT w7 TO webapp; GRANT webapp TO jobs7;
SQL
before=$(sq -c "SELECT count(*), string_agg(listguard._digest_hex(email), '') FROM subscribers WHERE account_id = 2" 2>/dev/null || sq -c "SELECT count(*), md5(string_agg(email::text, ',' ORDER BY id)) FROM subscribers WHERE account_id = 2")
run() { # user, label, sql...
    local u=$1 l=$2; shift 2
    local r; r=$(U=$u sq "$@" 2>&1)
    if echo "$r" | grep -q ERROR; then echo "refused: $l: $(echo "$r" | grep ERROR | head -1 | cut -c1-100)"; else echo "ACCEPTED?: $l: $(echo "$r" | tr '\n' ' ' | cut -c1-100)"; fi
}
for who in "webapp:" "webapp:SET ROLE w7" "jobs7:SET ROLE w7" "jobs7:"; do
    u=${who%%:*}; pre=${who#*:}; [ -n "$pre" ] || pre="SELECT 1"
    run "$u" "$who ON CONFLICT DO UPDATE" -c "$pre" -c "INSERT INTO subscribers (account_id, list_id, email) VALUES (2, 20, 'member1@globex-club.example') ON CONFLICT (account_id, email) DO UPDATE SET list_id = 21 RETURNING id"
    run "$u" "$who ON CONFLICT DO NOTHING new" -c "$pre" -c "INSERT INTO subscribers (account_id, list_id, email) VALUES (2, 20, 'planted7@evil.example') ON CONFLICT DO NOTHING RETURNING id"
    run "$u" "$who DELETE" -c "$pre" -c "DELETE FROM subscribers WHERE id = 60 RETURNING id"
    run "$u" "$who MERGE" -c "$pre" -c "MERGE INTO subscribers s USING (SELECT 61::bigint AS id) v ON s.id = v.id WHEN MATCHED THEN UPDATE SET list_id = 22"
    run "$u" "$who writable CTE" -c "$pre" -c "WITH d AS (UPDATE subscribers SET list_id = 23 WHERE id = 62 RETURNING id) SELECT count(*) FROM d"
    run "$u" "$who temp-table trigger" -c "$pre" -c "CREATE TEMP TABLE t7 (x int)" -c "CREATE FUNCTION pg_temp.f7() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO public.subscribers (account_id, list_id, email) VALUES (2, 20, 'trig7@evil.example'); RETURN NEW; END\$\$" -c "CREATE TRIGGER t7 AFTER INSERT ON t7 FOR EACH ROW EXECUTE FUNCTION pg_temp.f7()" -c "INSERT INTO t7 VALUES (1)"
    run "$u" "$who COPY FROM" -c "$pre" -c "COPY subscribers (account_id, list_id, email) FROM PROGRAM 'echo' " 2>/dev/null
    printf '2\t20\tcopy7@evil.example\n' > /tmp/atk7/78.copy
    r=$(U=$u sq -c "$pre" -c "\\copy subscribers (account_id, list_id, email) FROM '/tmp/atk7/78.copy'" 2>&1); echo "$r" | grep -q ERROR && echo "refused: $who \\copy FROM" || echo "ACCEPTED?: $who \\copy FROM: $r"
    run "$u" "$who UPDATE via temp view" -c "$pre" -c "CREATE TEMP VIEW v7 AS SELECT * FROM public.subscribers WHERE account_id = 2" -c "UPDATE v7 SET list_id = 24 WHERE id = 63 RETURNING id"
done | tee /tmp/atk7/78.out
after=$(sq -c "SELECT count(*), md5(string_agg(id::text || list_id::text, ',' ORDER BY id)) FROM subscribers WHERE account_id = 2")
changed=$(sq -c "SELECT string_agg(id::text || ':' || list_id, ',') FROM subscribers WHERE account_id = 2 AND (list_id <> 20 OR id > 100)")
missing=$(sq -c "SELECT string_agg(g::text, ',') FROM generate_series(51, 100) g WHERE NOT EXISTS (SELECT FROM subscribers WHERE id = g)")
[ -n "$missing" ] && changed="${changed:+$changed, }deleted: $missing"
echo "account-2 rows not as planted: ${changed:-none}"
sq >/dev/null 2>&1 <<'SQL'
DELETE FROM subscribers WHERE account_id = 2 AND id > 100; UPDATE subscribers SET list_id = 20 WHERE account_id = 2;
INSERT INTO subscribers (id, account_id, list_id, email) SELECT g, 2, 20, format('member%s@globex-club.example', g - 50) FROM generate_series(51, 100) g WHERE NOT EXISTS (SELECT FROM subscribers WHERE id = g);
REVOKE DELETE ON subscribers FROM webapp; REVOKE webapp FROM jobs7; REVOKE w7 FROM webapp;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'w7'::regrole;
REVOKE ALL ON subscribers FROM w7; REVOKE ALL ON SEQUENCE subscribers_id_seq FROM w7; DROP ROLE w7; DROP ROLE jobs7;
SQL
if [ -n "$changed" ]; then echo "FINDING: writes without a principal: $changed (rows written by the steps above whose output shows an id)"; grep -E '^ACCEPTED.*: [0-9]{2,} *$' /tmp/atk7/78.out; else echo "held"; fi
