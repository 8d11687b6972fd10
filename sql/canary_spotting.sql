-- Canaries no one can spot: a realistic list grows by signups, with
-- canaries planned for four roles and planted one at a time among them
-- (plan_canaries(), plant_due_canaries()). Then, as an attacker who reads
-- the whole list in clear (the sender: it sees every canary), every simple
-- feature of a row is tried as a score that would set canaries apart:
-- whether the names show in the address, how common its domain, local-part
-- style and length are, the gap to the previous id and signup time, rows
-- sharing its xmin or its other columns, how common its names are, and all
-- of them at once; and columns that real rows fill in relation to others
-- (test/attacks 102): a confirmation time minutes after created_at (or
-- none), a CRM number that grows with the id. None may do better than
-- chance by much: ROC AUC <= 0.6
-- (0.5 is chance; each feature is turned whichever way suits the attacker).
\set VERBOSITY terse
SET client_min_messages = warning;
-- The list's generator (bench/leak_list.sql, shared with the benchmark).
\set ECHO none
\i bench/leak_list.sql
\set ECHO all
-- Signup times: people arrive at random (exponential gaps of 40 s on
-- average), whatever inserts the row, signup or canary; a simulated clock,
-- so that the test does not take hours.
CREATE SEQUENCE lk.ticks;
CREATE FUNCTION lk.clock() RETURNS timestamptz LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT timestamptz '2026-01-01 00:00:00+00' + nextval('lk.ticks') * interval '40 seconds'
           + (random() - 0.5) * interval '30 seconds'
$$;
GRANT USAGE ON SCHEMA lk TO PUBLIC;
GRANT EXECUTE ON FUNCTION lk.clock() TO PUBLIC;
GRANT USAGE ON SEQUENCE lk.ticks TO PUBLIC;
CREATE ROLE sp_r1;
CREATE ROLE sp_r2;
CREATE ROLE sp_r3;
CREATE ROLE sp_mta;
CREATE TABLE sp_subs (
    id         serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id    bigint NOT NULL,
    email      listguard.email NOT NULL,
    first_name text,
    last_name  text,
    status     text NOT NULL,
    source     text NOT NULL,
    score      integer,
    country    text,
    created_at timestamptz NOT NULL DEFAULT lk.clock(),
    confirmed_at timestamptz,
    ext_id     bigint,
    UNIQUE (account_id, list_id, email)
);
-- The CRM's numbers: a step of 1 to 5 per signup.
CREATE SEQUENCE lk.ext;
SELECT listguard.protect('sp_subs', 'account_id', 'list_id') IS NULL AS protected;
GRANT SELECT ON sp_subs TO sp_r1, sp_r2, sp_r3, sp_mta;
SELECT count(*) AS grants FROM (
    SELECT listguard.grant_access(r::regrole, 1, 10, reveal => 'clear') FROM unnest(ARRAY['sp_r1', 'sp_r2', 'sp_r3']) r
    UNION ALL SELECT listguard.grant_access('sp_mta', 1, reveal => 'clear', sends => true)) g;
-- A signup: one new subscriber, in a transaction of its own.
CREATE TABLE lk.seen (address text PRIMARY KEY);
CREATE FUNCTION lk.signup() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p record;
    at timestamptz := lk.clock();
BEGIN
    LOOP
        SELECT * INTO p FROM lk.person(0);
        EXIT WHEN NOT EXISTS (SELECT 1 FROM lk.seen s WHERE s.address = lower(p.address));
    END LOOP;
    INSERT INTO lk.seen VALUES (lower(p.address));
    -- Confirmed (double opt-in) 1 to 30 minutes after signing up, or never
    -- (a fifth).
    INSERT INTO sp_subs (account_id, list_id, email, first_name, last_name, status, source, score, country, created_at,
                         confirmed_at, ext_id)
    VALUES (1, 10, p.address, p.first_name, p.last_name, p.status, p.source, p.score, p.country, at,
            CASE WHEN random() < 0.8 THEN at + (1 + 29 * random()) * interval '1 minute' END,
            700000 + 3 * nextval('lk.ext') + floor(3 * random())::int);
END
$$;
-- Canary mailboxes at the common providers (made like real addresses, as an
-- ESP would open them), and domains whose mail the ESP receives for the rest.
INSERT INTO lk.seen
SELECT DISTINCT lower(p.address) FROM generate_series(1, 400) g, LATERAL lk.person(g) p
WHERE split_part(p.address, '@', 2) IN ('gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com')
LIMIT 200;
SELECT listguard.add_canary_addresses(ARRAY(SELECT address FROM lk.seen)) > 150 AS mailboxes;
-- 60 canaries for each role, planned now, planted one at a time: a job
-- calling plant_due_canaries(1) among the signups.
SELECT listguard.plan_canaries('sp_subs', 1, 10, per_role => 60, over => '1 millisecond') AS planned;
CREATE PROCEDURE lk.grow(signups integer, every integer) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..signups LOOP
        PERFORM lk.signup();
        COMMIT;
        IF i % every = 0 THEN
            PERFORM listguard.plant_due_canaries(1);
            COMMIT;
        END IF;
    END LOOP;
END
$$;
\c
SET client_min_messages = warning;
-- (In a session: ALTER DATABASE ... SET would show them to every login.)
SET listguard.canary_domains =
    'brightmail.net, corelabs.io, peakworks.com, northmedia.org, silverlogistics.de, ironstudio.co.uk, pinehealth.com, '
    'vistasoft.net, deltagroup.io, clearbuild.com, summitfoods.org, rapidconsult.net, fusionenergy.de, goldenretail.com, '
    'opendesign.io, metrofinance.co.uk, truelaw.com, westtech.net, greensystems.org, novaworks.io';
CALL lk.grow(6000, 24);
SELECT count(*) AS planted, count(DISTINCT role) AS roles, count(*) FILTER (WHERE origin = 'added') > 100 AS mailboxes
FROM listguard.canaries WHERE role::text LIKE 'sp\_%';
SELECT count(*) AS plans_left FROM listguard.canary_plans;

-- The attacker's view: everything the sender reads, in clear; then the
-- answer key (which rows are canaries), joined by the test only.
CREATE TEMP TABLE sp_view (id integer, address text, first_name text, last_name text, status text, source text,
                           score integer, country text, created_at timestamptz, confirmed_at timestamptz,
                           ext_id bigint, xid text);
GRANT ALL ON sp_view TO PUBLIC;
CREATE FUNCTION lk.take_view(who name) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('role', who, true);
    INSERT INTO sp_view SELECT s.id, s.email::text, s.first_name, s.last_name, s.status, s.source, s.score, s.country,
                               s.created_at, s.confirmed_at, s.ext_id, s.xmin::text FROM sp_subs s;
    PERFORM set_config('role', 'none', true);
END
$$;
SELECT lk.take_view('sp_mta');
CREATE TEMP TABLE sp_rows AS
SELECT v.*, split_part(lower(v.address), '@', 1) AS local, split_part(lower(v.address), '@', 2) AS domain,
       EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.role IS NOT NULL AND c.address = v.address::listguard.email) AS canary
FROM sp_view v;
SELECT count(*) AS rows, count(*) FILTER (WHERE canary) AS canaries FROM sp_rows;

-- Each feature as a score, per row.
CREATE TEMP TABLE sp_features AS
SELECT r.id, r.canary, f.feature, f.score
FROM (SELECT r.*,
             (r.local LIKE '%' || lower(r.first_name) || '%' OR r.local LIKE '%' || lower(r.last_name) || '%')::int::float8
                 AS names_in_address,
             count(*) OVER (PARTITION BY r.domain)::float8 AS domain_rows,
             count(*) OVER (PARTITION BY regexp_replace(regexp_replace(r.local, '[a-z]+', 'w', 'g'), '[0-9]', '9', 'g'))::float8
                 AS style_rows,
             length(r.local)::float8 AS local_length,
             (r.id - lag(r.id) OVER (ORDER BY r.id))::float8 AS id_gap,
             extract(epoch FROM r.created_at - lag(r.created_at) OVER (ORDER BY r.id))::float8 AS time_gap,
             count(*) OVER (PARTITION BY r.xid)::float8 AS same_xmin,
             count(*) OVER (PARTITION BY r.status, r.source, r.score, r.country)::float8 AS same_columns,
             count(*) OVER (PARTITION BY r.first_name)::float8 + count(*) OVER (PARTITION BY r.last_name)::float8
                 AS name_rows,
             extract(epoch FROM r.confirmed_at - r.created_at)::float8 AS confirm_delay,
             (r.confirmed_at IS NULL)::int::float8 AS unconfirmed,
             (r.confirmed_at < r.created_at)::int::float8 AS confirmed_before_created,
             (r.ext_id < lag(r.ext_id) OVER (ORDER BY r.id))::int::float8 AS ext_below_previous,
             (lead(r.ext_id) OVER (ORDER BY r.id) < r.ext_id)::int::float8 AS ext_above_next
      FROM sp_rows r) r,
     LATERAL (VALUES ('names in the address', r.names_in_address), ('rows at its domain', r.domain_rows),
                     ('rows of its local-part style', r.style_rows), ('local-part length', r.local_length),
                     ('gap to the previous id', r.id_gap), ('gap to the previous signup', r.time_gap),
                     ('rows sharing its xmin', r.same_xmin), ('rows sharing its other columns', r.same_columns),
                     ('rows sharing its names', r.name_rows), ('confirmation delay', r.confirm_delay),
                     ('unconfirmed', r.unconfirmed), ('confirmed before created', r.confirmed_before_created),
                     ('ext_id below the previous row''s', r.ext_below_previous),
                     ('ext_id above the next row''s', r.ext_above_next)) f(feature, score)
WHERE f.score IS NOT NULL;
-- ROC AUC of a score (Mann-Whitney, ties as half), turned the attacker's way.
CREATE FUNCTION lk.auc(feature_name text) RETURNS float8 LANGUAGE sql AS $$
    SELECT greatest(a, 1 - a) FROM (
        SELECT (sum(r.rank) FILTER (WHERE r.canary) - n1 * (n1 + 1) / 2.0) / (n1 * n0) AS a
        FROM (SELECT f.canary, rank() OVER w + (count(*) OVER (PARTITION BY f.score) - 1) / 2.0 AS rank
              FROM sp_features f WHERE f.feature = feature_name WINDOW w AS (ORDER BY f.score)) r,
             (SELECT count(*) FILTER (WHERE canary)::float8 AS n1, count(*) FILTER (WHERE NOT canary)::float8 AS n0
              FROM sp_features WHERE feature = feature_name) n
        GROUP BY n1, n0) x
$$;
SELECT f.feature, lk.auc(f.feature) <= 0.6 AS no_better_than_chance
FROM (SELECT DISTINCT feature FROM sp_features) f ORDER BY 1;
-- All of them at once: each feature's rank, turned the way that suits the
-- attacker best, summed.
CREATE TEMP TABLE sp_way AS
SELECT f.feature, sum(x.rank) FILTER (WHERE x.canary) / count(*) FILTER (WHERE x.canary) > (count(*) + 1) / 2.0 AS up
FROM (SELECT DISTINCT feature FROM sp_features) f,
     LATERAL (SELECT g.canary, rank() OVER (ORDER BY g.score) AS rank FROM sp_features g WHERE g.feature = f.feature) x
GROUP BY f.feature;
INSERT INTO sp_features
SELECT r.id, r.canary, 'all features together', sum(r.oriented)
FROM (SELECT f.id, f.canary,
             CASE WHEN w.up THEN 1 ELSE -1 END * percent_rank() OVER (PARTITION BY f.feature ORDER BY f.score) AS oriented
      FROM sp_features f JOIN sp_way w USING (feature)) r
GROUP BY r.id, r.canary;
SELECT 'all features together' AS feature, lk.auc('all features together') <= 0.6 AS no_better_than_chance;
-- What is not hidden (docs/limitations.md#canaries): the application
-- assigns ext_id in order, without knowing of the canaries; a canary's keeps
-- the order (above the row before it, below the next signup's), so its step
-- and the next signup's add up to one real step: the steps set canaries
-- apart. (A column that takes its number from a default, such as a
-- sequence, is drawn as a signup's is.)
INSERT INTO sp_features
SELECT r.id, r.canary, 'gap to the previous ext_id', (r.ext_id - lag(r.ext_id) OVER (ORDER BY r.id))::float8
FROM sp_rows r;
DELETE FROM sp_features WHERE score IS NULL;
SELECT lk.auc('gap to the previous ext_id') > 0.6 AS ext_id_steps_tell;

RESET listguard.canary_domains;
DROP TABLE sp_subs;
SELECT count(*) > 0 AS revoked FROM (SELECT listguard.revoke_access(id) FROM listguard.grants
                                     WHERE grantee::text IN ('sp_r1', 'sp_r2', 'sp_r3', 'sp_mta')) x;
DROP ROLE sp_r1, sp_r2, sp_r3, sp_mta;
DROP SCHEMA lk CASCADE;
