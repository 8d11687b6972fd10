-- Fixture for attack9 (96-): a list of 400 subscribers whose addresses are
-- made from their names, two clear readers (a9_alice, a9_bob), a sender
-- (a9_mta), a writer with masked access (a9_writer), table owner, database
-- owner, a monitor (listguard_monitor + pg_monitor), an admin. Canaries are
-- planned for alice and bob; the scripts plant them among signups.
DROP DATABASE IF EXISTS atk9;
DO $$ DECLARE r text; BEGIN
  FOREACH r IN ARRAY ARRAY['a9_dbo','a9_towner','a9_mon','a9_alice','a9_bob','a9_mta','a9_writer','a9_admin'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN EXECUTE format('CREATE ROLE %I LOGIN', r); END IF;
  END LOOP; END $$;
CREATE DATABASE atk9 OWNER a9_dbo;
\c atk9
CREATE EXTENSION listguard;
GRANT listguard_monitor, pg_monitor TO a9_mon;
GRANT listguard_admin TO a9_admin;
CREATE TABLE public.subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                          email listguard.email NOT NULL, first_name text, last_name text,
                          created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (account_id, email));
ALTER TABLE public.subs OWNER TO a9_towner;
CREATE TEMP TABLE nm AS SELECT * FROM unnest(ARRAY['john','mary','kevin','linda','paul','susan','mark','karen','james','nancy'],
                                        ARRAY['smith','jones','brown','lee','clark','hall','young','king','wright','lopez']) AS t(f, l);
INSERT INTO subs (account_id, list_id, email, first_name, last_name, created_at)
SELECT 1, 11, format('%s.%s%s@%s', f, l, g, (ARRAY['gmail.com','yahoo.com','outlook.com','hotmail.com'])[1 + g % 4]),
       initcap(f), initcap(l), now() - interval '1 day' + g * interval '1 second'
FROM generate_series(1, 400) g, LATERAL (SELECT f, l FROM nm OFFSET (g * 7) % 10 LIMIT 1) x;
SELECT listguard.protect('subs', 'account_id', 'list_id');
GRANT SELECT ON subs TO a9_alice, a9_bob, a9_mta, a9_writer, a9_mon;
GRANT INSERT, UPDATE, DELETE ON subs TO a9_writer, a9_alice;
GRANT USAGE ON SEQUENCE subs_id_seq TO a9_writer, a9_alice;
SELECT listguard.grant_access('a9_alice', 1, 11, reveal => 'clear', can_write => true) > 0;
SELECT listguard.grant_access('a9_bob', 1, 11, reveal => 'clear') > 0;
SELECT listguard.grant_access('a9_mta', 1, NULL, reveal => 'clear', sends => true) > 0;
SELECT listguard.grant_access('a9_writer', 1, 11, reveal => 'masked', can_write => true) > 0;
SELECT listguard.add_canary_addresses(ARRAY['maria.lopez77@gmail.com', 'kevin.hall31@yahoo.com', 'paul.king8@outlook.com', 'susan.lee55@hotmail.com']) IS NOT NULL;
