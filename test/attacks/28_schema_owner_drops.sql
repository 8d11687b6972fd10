-- Round 3, sibling of the owner attacks: the owner of a protected table's
-- schema (here the database owner, who owns public in PostgreSQL 15; with
-- pg_partman the application role that owns the partitions' schema) may,
-- in PostgreSQL, drop any relation in its schema: the table, a partition,
-- its indexes, its sequences (taking the default with CASCADE), and views
-- over it. Each is tried on subs and on a protected partitioned table in a
-- schema the attacker owns.
-- Expected secure outcome: every statement that would remove or change
-- something of a protected table is refused (42501) and recorded.
-- RESULT: held.
-- Run: psql -X -U postgres -d atk -f 28_schema_owner_drops.sql
\set ON_ERROR_STOP 0
DROP SCHEMA IF EXISTS pm CASCADE;
CREATE SCHEMA pm AUTHORIZATION a_other;
CREATE TABLE pm.ps (id bigserial, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email)
  PARTITION BY LIST (account_id);
CREATE TABLE pm.ps_1 PARTITION OF pm.ps FOR VALUES IN (1);
CREATE TABLE pm.ps_2 PARTITION OF pm.ps FOR VALUES IN (2);
CREATE INDEX ps_email ON pm.ps (email);
INSERT INTO pm.ps (account_id, list_id, email) SELECT 1 + g % 2, 11 + g % 2 * 10, format('ps%s@example.com', g) FROM generate_series(1, 10) g;
SELECT listguard.protect('pm.ps', 'account_id', 'list_id');
\c - a_dbo
DROP TABLE public.subs;
DROP SEQUENCE public.subs_id_seq;
DROP SEQUENCE public.subs_id_seq CASCADE;
DROP INDEX public.subs_pkey;
DROP INDEX public.subs_account_id_email_key CASCADE;
ALTER SCHEMA public OWNER TO a_masked;
\c - a_other
DROP TABLE pm.ps_2;
DROP INDEX pm.ps_1_email_idx;
DROP INDEX pm.ps_email;
DROP SEQUENCE pm.ps_id_seq CASCADE;
DROP SCHEMA pm CASCADE;
ALTER SCHEMA pm RENAME TO pm2;
REVOKE USAGE ON SCHEMA pm FROM a_masked;
\c - postgres
SELECT to_regclass('public.subs') IS NOT NULL AS subs, to_regclass('public.subs_pkey') IS NOT NULL AS pkey,
       to_regclass('public.subs_id_seq') IS NOT NULL AS seq, to_regclass('pm.ps_2') IS NOT NULL AS ps_2,
       to_regclass('pm.ps_email') IS NOT NULL AS ps_email, to_regclass('pm.ps_id_seq') IS NOT NULL AS ps_seq;
SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid IN ('public.subs'::regclass, 'pm.ps'::regclass);
-- DROP OWNED of the schema owner drops its schema, and with CASCADE
-- everything in it (in a transaction, rolled back if it goes through)
\c - a_dbo
BEGIN;
DROP OWNED BY a_dbo CASCADE;
SELECT to_regclass('public.subs') IS NOT NULL AS subs_still_there;
ROLLBACK;
\c - a_other
BEGIN;
DROP OWNED BY a_other CASCADE;
SELECT to_regclass('pm.ps') IS NOT NULL AS ps_still_there;
ROLLBACK;
