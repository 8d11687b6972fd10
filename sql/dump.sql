-- pg_dump by a superuser writes sealed tokens, never addresses, and the dump
-- restores into a fresh database with lookups still working.
CREATE DATABASE lg_dump_src;
CREATE DATABASE lg_dump_dst;
\c lg_dump_src
CREATE EXTENSION listguard;
CREATE TABLE subscribers (id int PRIMARY KEY, email listguard.email NOT NULL UNIQUE);
INSERT INTO subscribers VALUES (1, 'Unmistakable.Dumped@example.com'), (2, 'second.dumped@example.net');
CREATE ROLE dump_plain LOGIN PASSWORD 'dump_plain_pw';
GRANT SELECT ON subscribers TO dump_plain;

-- One file per server: other suites may run beside this one.
\getenv lg_port PGPORT
\setenv LG_DUMP_FILE /tmp/listguard-regress-dump-:lg_port.sql
\! env -u PGAPPNAME pg_dump -d lg_dump_src -f "$LG_DUMP_FILE" && echo dumped
\! grep -c -i -e 'unmistakable' -e 'second.dumped' "$LG_DUMP_FILE"
\! grep -c 'lg1:' "$LG_DUMP_FILE"

-- Restore into a fresh database.
\! psql -X -q -v ON_ERROR_STOP=1 -d lg_dump_dst -f "$LG_DUMP_FILE" >/dev/null && echo restored
\c lg_dump_dst
SELECT id FROM subscribers WHERE email = 'UNMISTAKABLE.DUMPED@example.com';
SELECT id, email FROM subscribers ORDER BY id;
INSERT INTO subscribers VALUES (3, 'unmistakable.dumped@EXAMPLE.com');

-- A dump whose application_name was changed is still recognised (pg_dump
-- always turns row_security off) and still holds tokens only.
\! PGAPPNAME=nightly-backup pg_dump -d lg_dump_src -t subscribers | grep -c 'lg1:'

-- A role that may only see masks cannot dump the table: an error, not a
-- dump full of masks.
\! env -u PGAPPNAME PGUSER=dump_plain PGPASSWORD=dump_plain_pw pg_dump -d lg_dump_src -t subscribers 2>&1 >/dev/null | grep -o 'role "dump_plain" cannot dump listguard.email values'

-- A clear role whose quota says mask once it is used up: its dump fails
-- with LG001 when the quota runs out, rather than holding masks.
\c lg_dump_src
CREATE ROLE dump_quota LOGIN PASSWORD 'dump_quota_pw';
GRANT SELECT ON subscribers TO dump_quota;
SELECT listguard.grant_access('dump_quota', NULL, reveal => 'clear', quota => '1/day', on_exceed => 'mask') > 0 AS granted;
\! env -u PGAPPNAME PGUSER=dump_quota PGPASSWORD=dump_quota_pw pg_dump -d lg_dump_src -t subscribers 2>&1 >/dev/null | grep -o -e 'export quota exceeded for role "dump_quota"' -e 'This session is a dump[^:]*'
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'dump_quota'::regrole;
\c contrib_regression
DROP DATABASE lg_dump_src;
DROP DATABASE lg_dump_dst;
DROP ROLE dump_plain, dump_quota;
\! rm -f "$LG_DUMP_FILE"
