-- Fixture for attack6 (80-): database atk6 owned by a non-superuser, a
-- table owner, a monitor login, a pg_monitor login, a clear reader whose
-- role name is an address, an admin.
DROP DATABASE IF EXISTS atk6;
DO $$ DECLARE r text; BEGIN
  FOREACH r IN ARRAY ARRAY['a6_dbo','a6_towner','a6_mon','a6_pgmon','a6_clear','a6_admin','jane.doe@corp.example','a6_other'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN EXECUTE format('CREATE ROLE %I LOGIN', r); END IF;
  END LOOP; END $$;
CREATE DATABASE atk6 OWNER a6_dbo;
\c atk6
CREATE EXTENSION listguard;
GRANT listguard_monitor TO a6_mon;
GRANT pg_monitor TO a6_pgmon;
GRANT listguard_admin TO a6_admin;
CREATE TABLE public.subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                          email listguard.email NOT NULL);
ALTER TABLE public.subs OWNER TO a6_towner;
INSERT INTO subs (account_id, list_id, email) SELECT 1, 11, format('user%s@example.com', g) FROM generate_series(1, 50) g;
SELECT listguard.protect('subs', 'account_id', 'list_id');
GRANT SELECT, INSERT ON subs TO a6_clear, "jane.doe@corp.example", a6_other;
SELECT listguard.grant_access('a6_clear', 1, 11, reveal => 'clear', quota => '100/day') > 0;
SELECT listguard.grant_access('"jane.doe@corp.example"', 1, 11, reveal => 'clear', quota => '500/day') > 0;
