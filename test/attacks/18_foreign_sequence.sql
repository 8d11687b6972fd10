-- Round 3, protect() taking over sequences (sibling of 14): the table's
-- owner draws its ids from a standalone sequence owned by another
-- untrusted role it controls (here a_crole's creation a_seqown; a_towner2
-- is its member). protect() takes over only sequences of the table's owner,
-- so this one stays with a_seqown, who then changes it under the protected
-- table: setval (ids moved onto hidden rows), MAXVALUE (every insert
-- fails), DROP ... CASCADE (the protected table's default goes).
-- RESULT: held: protect() refuses the table (42501), naming seq3 and its owner.
-- Expected secure outcome: protect() refuses (or takes over) a default's
-- sequence that an untrusted role other than the table's owner owns, or
-- nothing a_seqown does to it reaches the protected table.
-- Run as superuser postgres against atk (setup.sql fixture).
\set ON_ERROR_STOP 0
DROP TABLE IF EXISTS public.subs3;
DROP SEQUENCE IF EXISTS public.seq3;
DROP ROLE IF EXISTS a_seqown;
DROP ROLE IF EXISTS a_towner2;
CREATE ROLE a_seqown LOGIN;
CREATE ROLE a_towner2 LOGIN IN ROLE a_seqown;
GRANT CREATE ON SCHEMA public TO a_seqown, a_towner2;
SET ROLE a_seqown;
CREATE SEQUENCE public.seq3;
GRANT USAGE ON SEQUENCE public.seq3 TO PUBLIC;
SET ROLE a_towner2;
CREATE TABLE public.subs3 (id bigint PRIMARY KEY DEFAULT nextval('public.seq3'), account_id bigint NOT NULL,
                           list_id bigint NOT NULL, email listguard.email NOT NULL);
INSERT INTO public.subs3 (account_id, list_id, email) SELECT 1, 11, format('s3u%s@example.com', g) FROM generate_series(1, 10) g;
RESET ROLE;
-- the administrator protects it
SELECT listguard.protect('public.subs3', 'account_id', 'list_id');
GRANT SELECT, INSERT ON public.subs3 TO a_writer;
SELECT c.relname, c.relowner::regrole FROM pg_class c WHERE c.relname IN ('subs3', 'seq3');
\c - a_seqown
SELECT setval('public.seq3', 3);                      -- next insert collides with id 4
ALTER SEQUENCE public.seq3 MAXVALUE 5;               -- then every insert fails
\c - a_writer
INSERT INTO public.subs3 (account_id, list_id, email) VALUES (1, 11, 'new1@example.com');
INSERT INTO public.subs3 (account_id, list_id, email) VALUES (1, 11, 'new2@example.com');
\c - a_seqown
DROP SEQUENCE public.seq3 CASCADE;                    -- takes the protected table's default with it?
\c - postgres
SELECT pg_get_expr(adbin, adrelid) AS default_of_id FROM pg_attrdef WHERE adrelid = 'public.subs3'::regclass;
SELECT kind, detail FROM listguard.audit_log WHERE relation LIKE '%subs3%' OR detail::text LIKE '%seq3%' ORDER BY id DESC LIMIT 5;
