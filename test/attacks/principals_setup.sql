-- Fixture for attack5 (principals): database esp, the example's web app
-- (require_principal) and a second app webapp2 (no require_principal, key
-- "other"), principals acme:alice (list 10 clear, 5/hour), acme:bob (list 10
-- pseudonym), globex:carol; canaries planted for alice.
-- psql -v app_key="$(cat test/principals/webapp.pub)" -v other_key=... -d esp
CREATE EXTENSION IF NOT EXISTS listguard;
CREATE ROLE webapp LOGIN;
CREATE ROLE webapp2 LOGIN;
CREATE ROLE a_towner LOGIN;
CREATE ROLE a_crole LOGIN CREATEROLE;
CREATE ROLE a_dbo LOGIN;
ALTER DATABASE esp OWNER TO a_dbo;
CREATE TABLE subscribers (
    id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
    email listguard.email NOT NULL, UNIQUE (account_id, email));
ALTER TABLE subscribers OWNER TO a_towner;
INSERT INTO subscribers (account_id, list_id, email)
SELECT 1, 10, format('reader%s@acme-news.example', g) FROM generate_series(1, 50) g
UNION ALL SELECT 2, 20, format('member%s@globex-club.example', g) FROM generate_series(1, 50) g;
SELECT listguard.protect('subscribers', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE ON subscribers TO webapp, webapp2;
GRANT USAGE ON SEQUENCE subscribers_id_seq TO webapp, webapp2;
SELECT listguard.add_application('webapp', :'app_key', require_principal => true) AS key_id;
SELECT listguard.add_application('webapp2', :'other_key') AS key2;
SELECT listguard.grant_access('webapp', 1, reveal => 'clear', quota => '10000/day');
SELECT listguard.grant_access('webapp', 2, reveal => 'clear', quota => '10000/day');
SELECT listguard.grant_access('webapp2', 1, reveal => 'clear', quota => '10000/day');
SELECT listguard.grant_access('webapp2', 2, reveal => 'clear', quota => '10000/day');
SELECT listguard.create_principal('acme:alice', 1, 'Acme');
SELECT listguard.create_principal('acme:bob', 1, 'Acme');
SELECT listguard.create_principal('globex:carol', 2, 'Globex');
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '5/hour', principal => 'acme:alice');
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'pseudonym', principal => 'acme:bob');
SELECT listguard.grant_access(NULL, 2, reveal => 'clear', quota => '60/hour', principal => 'globex:carol');
SELECT listguard.add_canary_addresses(ARRAY['maria.lopez77@gmail.example','kevin.hall31@yahoo.example','dana.west12@outlook.example']);
SELECT count(*) FROM listguard.plant_canaries('subscribers', 1, 10, principals => ARRAY['acme:alice'], per_principal => 3, application => 'webapp');
