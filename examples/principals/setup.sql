-- The example's database: an ESP's subscriber table, the web app's role
-- (which its customers' staff and the ESP's support desk use through a
-- pooler), its grants (the ceiling), and three people behind it.
-- Run as a superuser; psql variable app_key holds the app's public key.
CREATE EXTENSION IF NOT EXISTS listguard;
CREATE ROLE webapp LOGIN;
CREATE TABLE subscribers (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id    bigint NOT NULL,
    email      listguard.email NOT NULL,
    UNIQUE (account_id, email)
);
CREATE INDEX subscribers_email ON subscribers (email);
INSERT INTO subscribers (account_id, list_id, email)
SELECT 1, 10, format('reader%s@acme-news.example', g) FROM generate_series(1, 50) g
UNION ALL
SELECT 2, 20, format('member%s@globex-club.example', g) FROM generate_series(1, 50) g;
SELECT listguard.protect('subscribers', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE ON subscribers TO webapp;
GRANT USAGE ON SEQUENCE subscribers_id_seq TO webapp;

-- The application: its key, and without a principal it sees masks only.
SELECT listguard.add_application('webapp', :'app_key', require_principal => true) AS key_id;
-- Its grants are the ceiling of everyone behind it: both customers' lists
-- in clear (with a quota for the whole app), nothing else.
SELECT listguard.grant_access('webapp', 1, reveal => 'clear', quota => '10000/day');
SELECT listguard.grant_access('webapp', 2, reveal => 'clear', quota => '10000/day');

-- Two customer users and a support agent.
SELECT listguard.create_principal('acme:alice', 1, 'Acme, marketing');
SELECT listguard.create_principal('globex:carol', 2, 'Globex, list manager');
SELECT listguard.create_principal('esp:sam', NULL, 'ESP support desk');
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '60/hour', principal => 'acme:alice');
SELECT listguard.grant_access(NULL, 2, reveal => 'clear', quota => '60/hour', principal => 'globex:carol');
-- Support finds a subscriber by address and sees pseudonyms: enough to
-- handle a complaint, never a list.
SELECT listguard.grant_access(NULL, NULL, reveal => 'pseudonym', principal => 'esp:sam');
