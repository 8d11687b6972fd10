-- Round 3, sibling of the table owner's powers (round 1): privileges the
-- owner granted to an accomplice before protect() (TRUNCATE, TRIGGER,
-- REFERENCES, MAINTAIN-like rights, WITH GRANT OPTION) stay in the ACL after
-- protect() made listguard_owner the owner. TRUNCATE ignores row security
-- (every account's rows and every canary go, no per-row audit); TRIGGER
-- lets the accomplice add code that runs as every reader/writer;
-- REFERENCES a foreign key whose checks ignore row security; a grant option
-- lets the accomplice hand SELECT/INSERT on to others.
-- Expected secure outcome: after protect() every such statement is refused
-- (42501) and recorded, and nobody but listguard_owner keeps more than
-- SELECT/INSERT/UPDATE/DELETE without grant option.
-- RESULT: TRUNCATE, TRIGGER, REFERENCES refused and recorded (held); FINDING
-- (L): protect() strips the former owner's grant options but keeps every
-- other role's: a_acc=a*r*w*d* stays, and a_acc grants SELECT on the
-- protected table to a_masked (and could to PUBLIC), unrecorded.
-- Run: psql -X -U postgres -d atk -f 21_acl_before_protect.sql
\set ON_ERROR_STOP 0
DROP TABLE IF EXISTS public.subs4 CASCADE;
DROP TABLE IF EXISTS public.acc_child;
DROP ROLE IF EXISTS a_acc;
CREATE ROLE a_acc LOGIN;
GRANT CREATE ON SCHEMA public TO a_acc, a_towner;
SET ROLE a_towner;
CREATE TABLE public.subs4 (id bigint PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                           email listguard.email NOT NULL);
INSERT INTO public.subs4 SELECT g, 1 + g % 2, 11 + g % 2 * 10, format('s4u%s@example.com', g) FROM generate_series(1, 20) g;
GRANT ALL ON public.subs4 TO a_acc WITH GRANT OPTION;
RESET ROLE;
SELECT listguard.protect('public.subs4', 'account_id', 'list_id');
SELECT relowner::regrole, relacl FROM pg_class WHERE oid = 'public.subs4'::regclass;
\c - a_acc
GRANT SELECT ON public.subs4 TO a_masked;                               -- grant option kept?
CREATE TABLE public.acc_child (id bigint REFERENCES public.subs4 (id));  -- REFERENCES
INSERT INTO public.acc_child VALUES (1), (2), (3);                      -- FK probe ignores row security
CREATE FUNCTION public.acc_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'trigger sees %', NEW.email::text; RETURN NEW; END $$;
CREATE TRIGGER acc_trg BEFORE UPDATE ON public.subs4 FOR EACH ROW EXECUTE FUNCTION public.acc_trg();  -- TRIGGER
TRUNCATE public.subs4;                                                  -- TRUNCATE
\c - postgres
SELECT count(*) AS rows_left FROM public.subs4;
SELECT relacl FROM pg_class WHERE oid = 'public.subs4'::regclass;
SELECT kind, detail FROM listguard.audit_log WHERE current_user_name = 'a_acc' ORDER BY id DESC LIMIT 6;
