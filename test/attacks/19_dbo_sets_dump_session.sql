-- Round 3, class 1 (settings that decide identity): whether a session is a
-- dump is decided by two settings, row_security (guarded) and
-- application_name (not guarded). The database owner sets the database's
-- application_name (ALTER DATABASE ... SET, or ALTER ROLE ALL IN DATABASE
-- ... SET, or for one role: a CREATEROLE role with ALTER ROLE x IN DATABASE
-- ... SET before x carries listguard power) to 'pg_dump': every session
-- whose client sends no application_name of its own (most drivers) is a
-- "dump session": every masked read fails (42501, a denied event per
-- value), on_exceed => 'mask' grants fail instead of masking.
-- RESULT: FINDING (M): a_masked gets 42501 on every read, a denied event each.
-- Expected secure outcome: the owner's ALTER DATABASE ... SET
-- application_name is refused like row_security, or dump detection does not
-- depend on a setting a non-superuser can store for others.
-- Run: psql -X -U postgres -d atk -f 19_dbo_sets_dump_session.sql
\set ON_ERROR_STOP 0
\c atk a_dbo
ALTER DATABASE atk SET application_name = 'pg_dump';
ALTER ROLE ALL IN DATABASE atk SET Application_Name = 'pg_dumpall';
\c atk postgres
SELECT d.datname, s.setrole, s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = 'atk';
-- a masked reader whose client sends no application_name (psql sends
-- "psql" as a fallback: clear it, as most drivers send none)
\setenv PGAPPNAME ''
\c "dbname=atk user=a_masked fallback_application_name="
SHOW application_name;
SELECT id, email FROM subs ORDER BY id LIMIT 2;
\c "dbname=atk user=a_clear fallback_application_name="
SELECT id, email FROM subs ORDER BY id LIMIT 1;
\c atk postgres
SELECT kind, detail, current_user_name FROM listguard.audit_log ORDER BY id DESC LIMIT 3;
-- clean up
ALTER DATABASE atk RESET application_name;
ALTER ROLE ALL IN DATABASE atk RESET application_name;
