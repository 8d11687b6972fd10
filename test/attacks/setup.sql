-- Fixture for the issue-20 attack scripts: a database owned by a non-superuser,
-- the insiders of the threat model, one protected table.
\set ON_ERROR_STOP 0
DROP DATABASE IF EXISTS atk;
DO $$ DECLARE r text; BEGIN
  FOREACH r IN ARRAY ARRAY['a_dbo','a_crole','a_towner','a_clear','a_masked','a_writer','a_sender','a_req','a_appr','a_grp','a_gm','a_link','a_other','a_admin'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN EXECUTE format('CREATE ROLE %I LOGIN', r); END IF;
  END LOOP; END $$;
ALTER ROLE a_crole CREATEROLE;
ALTER ROLE a_grp NOLOGIN;
CREATE DATABASE atk OWNER a_dbo;
\c atk
CREATE EXTENSION listguard;
GRANT listguard_standby TO a_link;
GRANT listguard_approver TO a_appr;
GRANT listguard_admin TO a_admin;
GRANT a_grp TO a_gm;
CREATE TABLE public.subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                          email listguard.email NOT NULL, UNIQUE (account_id, email));
ALTER TABLE public.subs OWNER TO a_towner;
INSERT INTO subs (account_id, list_id, email)
SELECT 1, 11, format('user%s@example.com', g) FROM generate_series(1, 200) g;
INSERT INTO subs (account_id, list_id, email)
SELECT 2, 21, format('other%s@example.org', g) FROM generate_series(1, 50) g;
SELECT listguard.protect('subs', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON subs TO a_clear, a_masked, a_writer, a_sender, a_req, a_grp, a_gm, a_other;
GRANT USAGE ON SEQUENCE subs_id_seq TO a_writer, a_clear, a_masked, a_sender, a_other;
SELECT listguard.grant_access('a_clear', 1, 11, reveal => 'clear', quota => '100/day') AS g_clear;
SELECT listguard.grant_access('a_masked', 1, 11);
SELECT listguard.grant_access('a_writer', 1, 11, can_write => true);
SELECT listguard.grant_access('a_sender', 1, NULL, reveal => 'clear', sends => true);
SELECT listguard.grant_access('a_grp', 1, 11, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('a_other', 2, 21, reveal => 'clear', can_write => true);
SELECT listguard.add_canary_addresses(ARRAY['maria.lopez77@gmail.com','kevin.hall31@yahoo.com','Ann.Smith@outlook.com','bob.jones1@gmail.com']);
SELECT listguard.plant_canaries('subs', 1, 11, ARRAY['a_clear']::regrole[], per_role => 2);
