-- A subscriber at a canary domain (a real person whose mail is received
-- there, or an address a writer adds to blunt the canaries): generated
-- canaries never take an address a row of the table has, and a leak that
-- holds the subscriber's line (every export of its list does) still counts
-- the list's generated canaries. Only an address there that is in no table
-- holding canaries is taken for a guess; a canary whose address a row that
-- is no canary has counts for nobody.
CREATE ROLE cd_alice;
CREATE ROLE cd_bob;
CREATE TABLE cd_subs (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id bigint NOT NULL,
    email listguard.email NOT NULL,
    first_name text,
    last_name text
);
-- 64 pairs of names, each at four rare domains (so canaries are made at
-- the canary domains), and every one of the 64 at moments.example, one of
-- the two canary domains: any address made there in the list's style
-- would be a subscriber's.
CREATE TEMP TABLE cd_names AS
SELECT f, l FROM unnest(ARRAY['ann', 'ben', 'cora', 'dan', 'eve', 'finn', 'gus', 'hal']) f,
                 unnest(ARRAY['ash', 'bell', 'cole', 'dunn', 'east', 'ford', 'gray', 'hill']) l;
INSERT INTO cd_subs (account_id, list_id, email, first_name, last_name)
SELECT 1, 10, n.f || '.' || n.l || '@rare' || row_number() OVER () || '.example', initcap(n.f), initcap(n.l)
FROM cd_names n, generate_series(1, 4) g;
INSERT INTO cd_subs (account_id, list_id, email, first_name, last_name)
SELECT 1, 10, n.f || '.' || n.l || '@moments.example', initcap(n.f), initcap(n.l) FROM cd_names n;
SELECT listguard.protect('cd_subs', 'account_id', 'list_id');
GRANT SELECT ON cd_subs TO cd_alice, cd_bob;
SELECT listguard.grant_access('cd_alice', 1, 10, reveal => 'clear') IS NOT NULL AS granted;
SELECT listguard.grant_access('cd_bob', 1, 10, reveal => 'clear') IS NOT NULL AS granted;
SET listguard.canary_domains = 'moments.example, instants.example';
SELECT listguard.plant_canaries('cd_subs', 1, 10, roles => ARRAY['cd_alice', 'cd_bob']::regrole[], per_role => 6)
    AS planted;
-- No canary shares its address with a subscriber: all that were made
-- were made at the canary domain where the list's style left addresses
-- free. (The pool's mailboxes, left by earlier tests, may give some.)
SELECT count(*) AS sharing_an_address
FROM listguard.canaries c JOIN cd_subs t ON t.email = c.address
WHERE c.role IN ('cd_alice'::regrole, 'cd_bob'::regrole)
GROUP BY c.id HAVING count(*) > 1;
SELECT listguard._address_domain(c.address) AS domain, count(*) > 0 AS made_there
FROM listguard.canaries c WHERE c.role IN ('cd_alice'::regrole, 'cd_bob'::regrole) AND c.origin = 'generated'
GROUP BY 1;

-- Alice's export leaks, with the 64 subscribers at moments.example: her
-- canaries still count (no NOTICE of guesses), and name her.
CREATE TEMP TABLE cd_leak (line text);
GRANT ALL ON cd_leak TO PUBLIC;
SET ROLE cd_alice;
INSERT INTO cd_leak SELECT lower(email::text) FROM cd_subs;
RESET ROLE;
SELECT count(*) AS lines, count(*) FILTER (WHERE line LIKE '%@moments.example') AS at_a_canary_domain FROM cd_leak;
SELECT role, canaries_found, likely FROM listguard.trace_leak(ARRAY(SELECT line FROM cd_leak ORDER BY md5(line)));
-- A guess there (an address no table holds) is still a guess: then only
-- mailboxes count.
SELECT coalesce(sum(canaries_found), 0) = (SELECT count(*) FROM listguard.canaries c
                                           WHERE c.role = 'cd_alice'::regrole AND c.origin = 'added')
       AS only_mailboxes_count
FROM listguard.trace_leak(ARRAY(SELECT line FROM cd_leak UNION ALL SELECT 'zed.zed@moments.example'));

-- A writer who adds guesses at the canary domain to the list (where every
-- reader sees them), some of which hit canaries, then leaks the list with
-- them: her misses are rows, no guesses, but her hits are rows that are no
-- canaries, which any reader could have leaked: evidence for nobody (a
-- NOTICE says so), and nobody is named.
CREATE ROLE cd_wanda;
GRANT SELECT, INSERT ON cd_subs TO cd_wanda;
GRANT USAGE ON SEQUENCE cd_subs_id_seq TO cd_wanda;
GRANT SELECT ON cd_names TO cd_wanda;
SELECT listguard.grant_access('cd_wanda', 1, 10, reveal => 'clear', can_write => true) IS NOT NULL AS granted;
CREATE TEMP TABLE cd_wanda_leak (line text);
GRANT ALL ON cd_wanda_leak TO PUBLIC;
SET ROLE cd_wanda;
INSERT INTO cd_subs (account_id, list_id, email, first_name, last_name)
SELECT 1, 10, f || '.' || l || '@instants.example', initcap(f), initcap(l) FROM cd_names;
INSERT INTO cd_wanda_leak SELECT lower(email::text) FROM cd_subs;
RESET ROLE;
SELECT count(*) = (SELECT count(*) FROM listguard.canaries c
                   WHERE c.role IN ('cd_alice'::regrole, 'cd_bob'::regrole) AND c.origin = 'generated')
       AS every_made_canary_hit
FROM cd_wanda_leak w JOIN listguard.canaries c ON c.address = w.line::listguard.email WHERE c.role IS NOT NULL;
-- (The NOTICE counts them: as many as were made, which mailboxes left by
-- earlier tests may change.)
SET client_min_messages = warning;
SELECT count(*) FILTER (WHERE likely) AS named, count(*) AS roles_with_a_canary_found
FROM listguard.trace_leak(ARRAY(SELECT line FROM cd_wanda_leak ORDER BY md5(line)));
RESET client_min_messages;

SELECT listguard.revoke_access(grant_id) FROM listguard.explain_access('cd_wanda') WHERE via_role = 'cd_wanda'::regrole;
DROP TABLE cd_leak, cd_names, cd_wanda_leak;
SELECT listguard.remove_canaries('cd_subs') AS removed;
SELECT listguard.unprotect('cd_subs');
DROP TABLE cd_subs;
SELECT listguard.revoke_access(grant_id) FROM listguard.explain_access('cd_alice') WHERE via_role = 'cd_alice'::regrole;
SELECT listguard.revoke_access(grant_id) FROM listguard.explain_access('cd_bob') WHERE via_role = 'cd_bob'::regrole;
DROP ROLE cd_alice;
DROP ROLE cd_bob;
DROP ROLE cd_wanda;
RESET listguard.canary_domains;
