-- Canaries: each clear reader of a list sees a few addresses nobody else
-- sees; a leaked file names its source. Written as the insiders would try
-- to find them: counts, lookups, ids, other columns, xmin.
CREATE ROLE cn_alice;   -- clear reader of list 10
CREATE ROLE cn_bob;     -- clear reader and writer of list 10
CREATE ROLE cn_carol;   -- masked reader
CREATE ROLE cn_mta;     -- sends campaigns: sees every canary
CREATE ROLE cn_dave;    -- clear reader who never reads
CREATE ROLE cn_helper IN ROLE listguard_approver; -- not an admin
CREATE TABLE cn_subs (
    id         serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id    bigint NOT NULL,
    email      listguard.email NOT NULL,
    status     text NOT NULL DEFAULT 'active',
    source     text NOT NULL,
    score      integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, list_id, email)
);
INSERT INTO cn_subs (account_id, list_id, email, status, source, score)
SELECT 1, 10 + (g > 200)::int,
       (ARRAY['james','mary','john','linda','paul','emma','ryan','anna'])[1 + g % 8] || '.'
       || (ARRAY['smith','jones','brown','davis','clark','hall','young','king','scott'])[1 + g % 9]
       || (10 + g % 89) || '@' || (ARRAY['gmail.example','yahoo.example','outlook.example'])[1 + g % 3],
       (ARRAY['active','active','active','bounced'])[1 + g % 4], (ARRAY['web','import'])[1 + g % 2], g % 5
FROM generate_series(1, 240) g;
SELECT listguard.protect('cn_subs', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON cn_subs TO cn_alice, cn_bob, cn_carol, cn_mta, cn_dave;
GRANT USAGE ON SEQUENCE cn_subs_id_seq TO cn_bob;
SELECT listguard.grant_access('cn_alice', 1, 10, reveal => 'clear') IS NOT NULL AS alice;
SELECT listguard.grant_access('cn_bob', 1, 10, reveal => 'clear', can_write => true) IS NOT NULL AS bob;
SELECT listguard.grant_access('cn_bob', 1, 11, reveal => 'masked', can_write => true) IS NOT NULL AS bob_11;
SELECT listguard.grant_access('cn_carol', 1, 10, reveal => 'masked') IS NOT NULL AS carol;
SELECT listguard.grant_access('cn_carol', 1, 11, reveal => 'masked') IS NOT NULL AS carol_11;
SELECT listguard.grant_access('cn_mta', 1, reveal => 'clear', sends => true) IS NOT NULL AS mta;
SELECT listguard.grant_access('cn_dave', 1, 10, reveal => 'clear') IS NOT NULL AS dave;
SELECT account, list, reveal, sends FROM listguard.explain_access('cn_mta');
SELECT lgtest.try($$SELECT listguard.grant_access('cn_carol', 1, sends => NULL)$$) AS null_sends;
-- Sending shows every canary: under the two-person rule it waits for a
-- second person, even with masked reveal.
SET listguard.two_person_rule = on;
SET client_min_messages = warning;
SELECT listguard.grant_access('cn_carol', 1, 10, sends => true) IS NOT NULL AS asked;
RESET client_min_messages;
RESET listguard.two_person_rule;
SELECT count(*) AS carol_sends FROM listguard.grants WHERE grantee = 'cn_carol'::regrole AND sends;
SELECT kind, sends, state FROM listguard.requests WHERE grantee = 'cn_carol'::regrole;

-- Only admins manage canaries.
SET ROLE cn_helper;
SELECT lgtest.try($$SELECT listguard.add_canary_addresses(ARRAY['x.y@gmail.example'])$$) AS add_by_helper;
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_subs', 1, 10)$$) AS plant_by_helper;
SELECT lgtest.try($$SELECT * FROM listguard.trace('x.y@gmail.example')$$) AS trace_by_helper;
SELECT lgtest.try($$SELECT count(*) FROM listguard.canaries$$) AS registry_by_helper;
RESET ROLE;

-- Canary mailboxes at ordinary providers; the same mailbox in another
-- spelling is not added twice; a bad address is refused without echo.
SELECT listguard.add_canary_addresses(ARRAY['maria.lopez77@gmail.example', 'kevin.hall31@yahoo.example',
    'Sarah.Nguyen52@outlook.example', 'tom.king18@gmail.example', 'MARIA.LOPEZ77@GMAIL.EXAMPLE']) AS added;
SELECT listguard.add_canary_addresses(ARRAY['kevin.hall31@yahoo.example']) AS added_again;
SELECT lgtest.try($$SELECT listguard.add_canary_addresses(ARRAY['secret..name@gmail.example'])$$) AS bad;
SELECT lgtest.try($$SELECT listguard.add_canary_addresses(ARRAY[]::text[])$$) AS empty;
-- Any length can be a canary (47 octets once left no room for the mark).
BEGIN;
SELECT listguard.add_canary_addresses(ARRAY[repeat('x', 35) || '@example.com']) AS any_length;
ROLLBACK;
SELECT count(*) AS pool, bool_and(role IS NULL) AS unplanted FROM listguard.canaries;

-- Planting: bad arguments first.
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_subs', 1, NULL)$$) AS no_list;
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_subs', 1, 10, per_role => 0)$$) AS zero;
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_subs', 1, 99)$$) AS empty_list;
CREATE TABLE cn_plain (account_id bigint, list_id bigint, email listguard.email);
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_plain', 1, 10)$$) AS unprotected;
-- test/attacks 104: a trigger on the list (trusted: an administrator's, in
-- a schema of its own, search_path pinned) copies each new subscriber to an
-- outbox others read; it would run for canary rows too and show them:
-- planning and planting refuse until it is disabled. (Rules on a protected
-- table are refused by protect() already.)
CREATE SCHEMA cn_app;
CREATE TABLE cn_app.outbox (sub_id integer, email listguard.email);
CREATE FUNCTION cn_app.to_outbox() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN INSERT INTO cn_app.outbox VALUES (NEW.id, NEW.email); RETURN NEW; END $$;
CREATE TRIGGER to_outbox AFTER INSERT ON cn_subs FOR EACH ROW EXECUTE FUNCTION cn_app.to_outbox();
SELECT lgtest.try($$SELECT listguard.plan_canaries('cn_subs', 1, 10)$$) AS plan_with_trigger;
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_subs', 1, 10)$$) AS plant_with_trigger;
SELECT count(*) AS plans, (SELECT count(*) FROM cn_app.outbox) AS copied FROM listguard.canary_plans;
ALTER TABLE cn_subs DISABLE TRIGGER to_outbox;
SELECT lgtest.try($$SELECT listguard._refuse_list_code('cn_subs')$$) AS disabled_trigger;
DROP TRIGGER to_outbox ON cn_subs;
DROP SCHEMA cn_app CASCADE;
SET listguard.canary_domains = 'not a domain';
SET listguard.canary_domains = 'canaries.example, traps.example';
-- Four mailboxes in the pool, twelve canaries: the rest are made at the
-- canary domains in the styles of the list's addresses. Default roles:
-- every clear reader of the list (alice, bob, dave, the MTA).
SELECT listguard.plant_canaries('cn_subs', 1, 10) AS planted;
SELECT role, count(*), count(DISTINCT relid), min(account), min(list), count(*) FILTER (WHERE origin = 'added') <= 4 AS pooled
FROM listguard.canaries WHERE role IS NOT NULL GROUP BY role ORDER BY role::text;
SELECT count(*) AS left_in_pool FROM listguard.canaries WHERE role IS NULL;
-- With the pool empty and no canary domain, planting fails whole.
SET listguard.canary_domains = '';
SELECT lgtest.try($$SELECT listguard.plant_canaries('cn_subs', 1, 10, roles => ARRAY['cn_alice']::regrole[])$$) AS none_left;
SELECT count(*) AS still_planted FROM listguard.canaries WHERE role IS NOT NULL;
RESET listguard.canary_domains;
-- Some real signups after the planting, as in life.
INSERT INTO cn_subs (account_id, list_id, email, source, score)
SELECT 1, 10, 'late.signup' || g || '@gmail.example', 'web', g % 5 FROM generate_series(1, 5) g;

-- Each role sees the real rows and its own canaries; the masked reader and
-- the writer see no canary but their own; the sender sees them all.
SELECT lgtest.as_role('cn_alice', 'SELECT count(*) FROM cn_subs WHERE list_id = 10') AS alice_count,
       lgtest.as_role('cn_bob', 'SELECT count(*) FROM cn_subs WHERE list_id = 10') AS bob_count,
       lgtest.as_role('cn_carol', 'SELECT count(*) FROM cn_subs WHERE list_id = 10') AS carol_count,
       lgtest.as_role('cn_mta', 'SELECT count(*) FROM cn_subs WHERE list_id = 10') AS mta_count;
-- A campaign query reaches every canary.
SELECT lgtest.as_role('cn_mta', $$SELECT count(*) FROM cn_subs WHERE list_id = 10 AND email::text LIKE '%@%'$$) AS campaign;

-- What alice alone sees: her canaries (the rows bob does not see).
CREATE TEMP TABLE cn_seen (who text, id int, email text, status text, source text, score int, xid text);
GRANT ALL ON cn_seen TO PUBLIC;
CREATE FUNCTION lgtest.take_view(who name) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('role', who, true);
    INSERT INTO cn_seen SELECT who, s.id, s.email::text, s.status, s.source, s.score, s.xmin::text
    FROM cn_subs s WHERE s.list_id = 10;
    PERFORM set_config('role', 'none', true);
END
$$;
SELECT lgtest.take_view(r) FROM unnest(ARRAY['cn_alice', 'cn_bob', 'cn_carol', 'cn_mta']) r;
CREATE TEMP VIEW cn_own AS
SELECT s.who, s.id, s.email, s.status, s.source, s.score, s.xid FROM cn_seen s
WHERE s.who IN ('cn_alice', 'cn_bob') AND NOT EXISTS (
    SELECT 1 FROM cn_seen o WHERE o.id = s.id AND o.who = CASE s.who WHEN 'cn_alice' THEN 'cn_bob' ELSE 'cn_alice' END);
SELECT who, count(*) AS own_canaries, count(DISTINCT xid) AS distinct_xmin FROM cn_own GROUP BY who ORDER BY who;
-- Their values read in clear, like the real ones; each role's are its own.
SELECT count(*) FILTER (WHERE email LIKE '%***%') AS masked, count(DISTINCT email) AS distinct_addresses FROM cn_own;
SELECT count(*) AS carol_sees_a_canary FROM cn_seen c JOIN cn_own o USING (id) WHERE c.who = 'cn_carol';
SELECT count(*) AS mta_sees FROM cn_seen m JOIN cn_own o USING (id) WHERE m.who = 'cn_mta';

-- No WHERE on the columns a reader sees sets them apart: each of a canary
-- row's other columns holds a value real rows of the list have (drawn one
-- column at a time, so that no canary duplicates a real row), and the local
-- parts have the shapes the list's addresses have (canary_spotting tries
-- harder).
SELECT bool_and(EXISTS (SELECT 1 FROM cn_seen r WHERE r.who = 'cn_carol' AND r.status = o.status)
                AND EXISTS (SELECT 1 FROM cn_seen r WHERE r.who = 'cn_carol' AND r.source = o.source)
                AND EXISTS (SELECT 1 FROM cn_seen r WHERE r.who = 'cn_carol' AND r.score = o.score))
    AS columns_drawn FROM cn_own o;
SELECT bool_and(listguard._local_part_style(email::listguard.email) IN
                (SELECT listguard._local_part_style(s.email) FROM cn_subs s WHERE s.id <= 200))
    AS styles_copied
FROM cn_own WHERE email NOT LIKE '%@gmail.example' AND email NOT LIKE '%@yahoo.example' AND email NOT LIKE '%@outlook.example';

-- Lookups by address and by id find nothing of another role's canaries;
-- updates and deletes do not reach them.
SELECT string_agg(email, ',') AS alice_list, string_agg(id::text, ',') AS alice_ids FROM cn_own WHERE who = 'cn_alice' \gset
SELECT string_agg(id::text, ',') AS bob_ids, string_agg(email, ',') AS bob_list FROM cn_own WHERE who = 'cn_bob' \gset
SELECT lgtest.as_role('cn_bob', format($$SELECT count(*) FROM cn_subs WHERE email = ANY (%L::listguard.email[])$$,
                                       '{' || :'alice_list' || '}')) AS bob_finds_by_address;
SELECT lgtest.as_role('cn_bob', format($$SELECT count(*) FROM cn_subs WHERE id IN (%s)$$, :'alice_ids')) AS bob_finds_by_id;
SET ROLE cn_bob;
WITH u AS (UPDATE cn_subs SET score = score WHERE id = ANY (string_to_array(:'alice_ids', ',')::int[]) RETURNING 1)
SELECT count(*) AS bob_updates FROM u;
WITH d AS (DELETE FROM cn_subs WHERE id = ANY (string_to_array(:'alice_ids', ',')::int[]) RETURNING 1)
SELECT count(*) AS bob_deletes FROM d;
WITH u AS (UPDATE cn_subs SET score = score WHERE list_id = 10 RETURNING 1) SELECT count(*) AS bob_updates_list FROM u;
RESET ROLE;
SELECT lgtest.as_role('cn_alice', format($$SELECT count(*) FROM cn_subs WHERE email = ANY (%L::listguard.email[])$$,
                                         '{' || upper(:'alice_list') || '}')) AS alice_finds_hers;
-- The row policy cannot be asked about an address typed in: only values
-- plant_canaries() marked are canaries, so bob learns nothing by calling it
-- on guesses (here: alice's canary address itself, in lists 10 and 11).
SELECT lgtest.as_role('cn_bob', format($$SELECT listguard.can_read(1, 10, %1$L::listguard.email)
                                          || ' ' || listguard.can_read(1, 11, %1$L::listguard.email)$$,
                                       split_part(:'alice_list', ',', 1))) AS typed_guess_10_and_11;
-- Nor does inserting a guess into the list hide it: bob's row is bob's.
SET ROLE cn_bob;
INSERT INTO cn_subs (account_id, list_id, email, source, score) VALUES (1, 11, split_part(:'alice_list', ',', 1), 'web', 1);
SELECT count(*) AS bob_sees_his_copy FROM cn_subs WHERE list_id = 11 AND email = split_part(:'alice_list', ',', 1);
RESET ROLE;
-- A login keeps seeing its canaries whatever role it sets (a group it
-- belongs to with a grant of its own): comparing its two views finds
-- nothing. Another login's canaries stay hidden from it either way.
CREATE ROLE cn_team;
GRANT cn_team TO cn_alice;
GRANT SELECT ON cn_subs TO cn_team;
SELECT listguard.grant_access('cn_team', 1, 10, reveal => 'masked') IS NOT NULL AS team;
SET SESSION AUTHORIZATION cn_alice;
SELECT count(*) AS as_alice, count(*) FILTER (WHERE id = ANY (string_to_array(:'alice_ids', ',')::int[])) AS her_canaries
FROM cn_subs WHERE list_id = 10;
SET ROLE cn_team;
SELECT count(*) AS as_team, count(*) FILTER (WHERE id = ANY (string_to_array(:'alice_ids', ',')::int[])) AS her_canaries
FROM cn_subs WHERE list_id = 10;
RESET ROLE;
RESET SESSION AUTHORIZATION;
SELECT lgtest.as_role('cn_team', 'SELECT count(*) FROM cn_subs WHERE list_id = 10') AS team_from_another_login;
-- Not through a NOINHERIT membership either: a login that could SET ROLE to
-- alice sees her canaries as itself too.
CREATE ROLE cn_lone NOINHERIT;
GRANT cn_alice TO cn_lone;
GRANT SELECT ON cn_subs TO cn_lone;
SELECT listguard.grant_access('cn_lone', 1, 10, reveal => 'masked') IS NOT NULL AS lone;
SET SESSION AUTHORIZATION cn_lone;
SELECT count(*) AS as_lone FROM cn_subs WHERE list_id = 10;
SET ROLE cn_alice;
SELECT count(*) AS as_alice_from_lone FROM cn_subs WHERE list_id = 10;
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- A canary copied to another list stays a canary there: hidden from that
-- list's other readers.
SET ROLE cn_bob;
INSERT INTO cn_subs (account_id, list_id, email, source, score)
SELECT 1, 11, email, source, score FROM cn_subs WHERE id = ANY (string_to_array(:'bob_ids', ',')::int[]);
SELECT count(*) AS bob_sees_in_11 FROM cn_subs WHERE list_id = 11;
RESET ROLE;
SELECT lgtest.as_role('cn_carol', 'SELECT count(*) FROM cn_subs WHERE list_id = 11') AS carol_sees_in_11;

-- Nor in another protected table that never had canaries: bob's copy of
-- his list there hides his canaries from carol too.
CREATE TABLE cn_other (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('cn_other', 'account_id', 'list_id');
GRANT SELECT, INSERT ON cn_other TO cn_bob, cn_carol;
SET ROLE cn_bob;
INSERT INTO cn_other SELECT id, account_id, list_id, email FROM cn_subs WHERE list_id = 10;
RESET ROLE;
SELECT lgtest.as_role('cn_bob', 'SELECT count(*) FROM cn_other') AS bob_sees_of_his_copy,
       lgtest.as_role('cn_carol', 'SELECT count(*) FROM cn_other') AS carol_sees_of_it;
DROP TABLE cn_other;

-- A sender asking the row policy about another scope (one of its other
-- grants) learns nothing: canaries are judged in their own list.
SELECT listguard.grant_access('cn_mta', 2, 5, reveal => 'masked') IS NOT NULL AS mta_elsewhere;
SELECT lgtest.as_role('cn_mta', 'SELECT count(*) FILTER (WHERE listguard.can_read(2, 5, email)) || '' of '' || count(*) FROM cn_subs WHERE list_id = 10')
    AS mta_asks_elsewhere;

-- Rewriting its canaries with their own addresses does not take the mark
-- off: bob's rows stay hidden from carol.
SET ROLE cn_bob;
UPDATE cn_subs SET email = email::text WHERE id = ANY (string_to_array(:'bob_ids', ',')::int[]);
RESET ROLE;
SELECT lgtest.as_role('cn_carol', format('SELECT count(*) FROM cn_subs WHERE id IN (%s)', :'bob_ids')) AS carol_after_rewrite,
       lgtest.as_role('cn_bob', format('SELECT count(*) FROM cn_subs WHERE id IN (%s)', :'bob_ids')) AS bob_after_rewrite;

-- Nor does deleting them and inserting the same addresses again in one
-- statement, or changing an address and changing it back.
SET ROLE cn_bob;
WITH gone AS (DELETE FROM cn_subs WHERE id = ANY (string_to_array(:'bob_ids', ',')::int[])
              RETURNING account_id, list_id, email::text AS address, source, score)
INSERT INTO cn_subs (account_id, list_id, email, source, score) SELECT account_id, list_id, address, source, score FROM gone;
SELECT string_agg(id::text, ',') AS bob_ids FROM cn_subs WHERE email = ANY (string_to_array(:'bob_list', ',')::listguard.email[])
    AND list_id = 10 \gset
UPDATE cn_subs SET email = 'someone.else@example.net' WHERE id = split_part(:'bob_ids', ',', 1)::int;
UPDATE cn_subs SET email = split_part(:'bob_list', ',', 1) WHERE id = split_part(:'bob_ids', ',', 1)::int;
RESET ROLE;
SELECT lgtest.as_role('cn_carol', format('SELECT count(*) FROM cn_subs WHERE id IN (%s)', :'bob_ids')) AS carol_after_strip,
       lgtest.as_role('cn_bob', format('SELECT count(*) FROM cn_subs WHERE id IN (%s)', :'bob_ids')) AS bob_after_strip;

-- Reading a canary in clear records no event of its own (anyone could
-- count events) and no longer one (anyone can measure WAL): its id rides,
-- sealed in a record of fixed size, in the statement's clear_reveal event.
SELECT lgtest.audit_settle();
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
SELECT lgtest.as_role('cn_alice', format('SELECT email FROM cn_subs WHERE id = %s', split_part(:'alice_ids', ',', 1))) IS NOT NULL AS read_canary;
SELECT lgtest.audit_settle();
SELECT count(*) AS events, bool_and(kind = 'clear_reveal') AS all_reveals, min(octet_length(detail::text)) AS canary_event_size
FROM listguard.audit_log WHERE id > :mark \gset
SELECT :events AS events, :'all_reveals' AS all_reveals;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
SELECT lgtest.as_role('cn_alice', 'SELECT email FROM cn_subs WHERE id = 7') IS NOT NULL AS read_real;
SELECT lgtest.audit_settle();
-- The same number of events, of the same size.
SELECT count(*) AS events, bool_and(kind = 'clear_reveal') AS all_reveals,
       min(octet_length(detail::text)) = :canary_event_size AS same_size
FROM listguard.audit_log WHERE id > :mark;

-- Alice exports her list (clear reveals, her canaries among them); bob
-- never reads his canaries in clear.
SELECT lgtest.as_role('cn_alice', 'SELECT count(email::text) FROM cn_subs WHERE list_id = 10') AS alice_export;
SELECT lgtest.audit_settle();
SELECT c.canary, c.role, c.account, c.list, c.planted_at IS NOT NULL AS planted, c.clear_reveals >= 208 AS reveals_counted,
       c.first_revealed IS NOT NULL AS read_in_clear, c.first_revealed <= c.last_revealed AS ordered
FROM listguard.trace(upper(split_part(:'alice_list', ',', 2))) c;
-- Dave never read his list: the MTA's view holds his canaries.
SELECT m.email AS dave_canary FROM cn_seen m JOIN listguard.canaries c ON c.address = m.email::listguard.email
WHERE m.who = 'cn_mta' AND c.role = 'cn_dave'::regrole LIMIT 1 \gset
SELECT canary, role, clear_reveals, first_revealed IS NULL AS never_read FROM listguard.trace(:'dave_canary');
SELECT * FROM listguard.trace('james.smith45@gmail.example');
SELECT lgtest.try($$SELECT * FROM listguard.trace('not an address')$$) AS trace_bad;

-- The leak: alice's export, shuffled, lower-cased, deduplicated, cut to
-- half (the real rows with even ids and two of her three canaries), mixed
-- with another list's addresses and lines that are no address.
SELECT string_agg(id::text, ',') AS alice_two FROM (SELECT id FROM cn_own WHERE who = 'cn_alice' ORDER BY id LIMIT 2) x \gset
CREATE TEMP TABLE cn_leak AS
SELECT lower(email) AS line FROM cn_seen
WHERE who = 'cn_alice' AND ((id % 2 = 0 AND id NOT IN (SELECT id FROM cn_own)) OR id IN (:alice_two))
UNION SELECT lower(email::text) FROM (SELECT 'other' || g || '@yahoo.example' AS email FROM generate_series(1, 20) g) o
UNION SELECT 'name,email,status' UNION SELECT '' ;
SELECT count(*) FILTER (WHERE line IN (SELECT lower(email) FROM cn_own WHERE who = 'cn_alice')) AS canaries_in_leak FROM cn_leak;
-- Alice and the sender (who read every canary) could both have leaked it:
-- the sender's nine other canaries, missing from the file, do not clear it
-- (a sender that spots canaries leaves out whichever it likes, test/attacks
-- 101), so both get the same odds and nobody is named.
SELECT role, canaries_found, canaries_visible, canaries_revealed, odds > 2 AS odds_over_100, likely
FROM listguard.trace_leak(ARRAY(SELECT line FROM cn_leak ORDER BY md5(line)));
-- The MTA's export (everyone's canaries), cut to half, holding at least
-- one canary each of alice and bob: the MTA, the only role that could have
-- seen them all.
SELECT role, canaries_found > 0 AS found, likely
FROM listguard.trace_leak(ARRAY(SELECT upper(email) FROM cn_seen WHERE who = 'cn_mta'
                                AND (id % 2 = 1 OR id IN (SELECT min(id) FROM cn_own GROUP BY who))))
WHERE likely;
-- A leaker who adds another role's canary to her file cannot pin it on the
-- sender: alice's half leak with one of bob's canaries is explained by
-- alice and bob together (two sources) about as well as by the sender,
-- who would have leaked more of its canaries: nobody is named.
SELECT role, canaries_found, likely
FROM listguard.trace_leak(ARRAY(SELECT line FROM cn_leak UNION ALL SELECT split_part(:'bob_list', ',', 1)))
ORDER BY role::text;
-- To add canaries she cannot see she must guess them at the canary domains;
-- a guess that misses is an address there that is no canary. Then the
-- canaries made there are evidence for nobody (anyone's could be guessed),
-- only the mailboxes added with add_canary_addresses() count (a NOTICE says
-- why): padding her leak with a guess, or with every other role's canary
-- made there (as if she had guessed them all), names nobody but alice.
SELECT count(*) FILTER (WHERE likely AND role <> 'cn_alice'::regrole) AS others_named
FROM listguard.trace_leak(ARRAY(SELECT line FROM cn_leak UNION ALL SELECT 'john.smith42@canaries.example'));
SELECT count(*) FILTER (WHERE likely AND role <> 'cn_alice'::regrole) AS others_named
FROM listguard.trace_leak(ARRAY(SELECT line FROM cn_leak UNION ALL SELECT 'john.smith42@canaries.example'
                                UNION ALL SELECT email FROM cn_seen m JOIN listguard.canaries c
                                          ON c.address = m.email::listguard.email
                                          WHERE m.who = 'cn_mta' AND c.role <> 'cn_alice'::regrole AND c.origin = 'generated'));
-- Nor do +tags (which most providers deliver to the same mailbox) hide a
-- canary from trace() and trace_leak().
SELECT canary, role FROM listguard.trace(regexp_replace(split_part(:'alice_list', ',', 2), '@', '+promo@'));
SELECT role, canaries_found
FROM listguard.trace_leak(ARRAY(SELECT regexp_replace(line, '@', '+x@') FROM cn_leak)) WHERE role = 'cn_alice'::regrole;
-- Lines as leaked files hold them: CSV rows, "Name <address>", trailing
-- punctuation; a line with an @ that holds no address is counted aloud.
SELECT role, canaries_found
FROM listguard.trace_leak(ARRAY(SELECT format('%s,"Someone, %s" <%s>.', g, g, line)
                                FROM cn_leak, generate_series(1, 1) g WHERE line LIKE '%@%'
                                UNION ALL SELECT 'not an address @ all')) WHERE role = 'cn_alice'::regrole;
-- A file with no canary names nobody.
SELECT count(*) AS nobody FROM listguard.trace_leak(ARRAY['james.smith45@gmail.example', 'x']);

-- Spam at a canary: every role that could have seen it, whether it read it
-- in clear before (a leak if any did); an address that is no canary records
-- nothing. Alice read hers, and so did the sender (and cn_lone, a member of
-- alice, could have); dave never read his, the sender did.
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
SELECT role, sees, revealed, first_revealed IS NOT NULL AS has_day
FROM listguard.report_canary_hit(split_part(:'alice_list', ',', 3), now(), 'spamtrap feed');
SELECT role, sees, revealed, first_revealed IS NOT NULL AS has_day
FROM listguard.report_canary_hit(upper(:'dave_canary'), now(), 'spamtrap feed');
SELECT count(*) AS no_canary FROM listguard.report_canary_hit('james.smith45@gmail.example', now(), 'spamtrap feed');
SELECT lgtest.try($$SELECT listguard.report_canary_hit('nope', now(), 'x')$$) AS hit_bad;
SELECT lgtest.audit_settle();
SELECT kind, detail->>'action' AS action, detail->'detail'->>'role' AS role, detail->'detail'->>'verdict' AS verdict,
       detail->'detail'->'could_see' AS could_see, detail->'detail'->'revealed_by' AS revealed_by,
       cardinality(email_digests) AS digests, account, list
FROM listguard.audit_log WHERE id > :mark ORDER BY id;

-- No event of canaries holds an address.
SELECT count(*) > 0 AS canary_events, count(*) FILTER (WHERE detail::text LIKE '%@%' OR counts::text LIKE '%@%') AS with_address
FROM listguard.audit_log WHERE kind = 'canary';
SELECT DISTINCT detail->>'action' AS actions FROM listguard.audit_log WHERE kind = 'canary' ORDER BY 1;

-- unprotect and protect again: the canaries stay hidden.
SELECT listguard.unprotect('cn_subs');
SELECT listguard.protect('cn_subs', 'account_id', 'list_id');
SELECT lgtest.as_role('cn_bob', format($$SELECT count(*) FROM cn_subs WHERE id IN (%s)$$, :'alice_ids')) AS bob_after_reprotect,
       lgtest.as_role('cn_alice', format($$SELECT count(*) FROM cn_subs WHERE id IN (%s)$$, :'alice_ids')) AS alice_after_reprotect;

-- Removing is an admin's act, recorded; the rows go, the record stays for
-- tracing.
SET ROLE cn_helper;
SELECT lgtest.try($$SELECT listguard.remove_canaries('cn_subs')$$) AS remove_by_helper;
RESET ROLE;
SELECT listguard.remove_canaries('cn_subs', 1, 10, ARRAY['cn_alice']::regrole[]) AS removed;
SELECT lgtest.try($$SELECT listguard.remove_canaries('cn_plain')$$) AS remove_unprotected;
SELECT lgtest.as_role('cn_alice', 'SELECT count(*) FROM cn_subs WHERE list_id = 10') AS alice_after_removal;
SELECT canary, role FROM listguard.trace(split_part(:'alice_list', ',', 1));
SELECT count(*) AS live_alice FROM listguard.canaries WHERE role = 'cn_alice'::regrole AND removed_at IS NULL;

-- The registry changes through these functions only.
SET ROLE cn_helper;
SELECT lgtest.try($$UPDATE listguard.canaries SET role = NULL$$) AS helper_update;
RESET ROLE;

-- A partitioned table: canaries planted through its root land in the
-- partition of their list and stay hidden, read through the root or the
-- partition itself.
CREATE TABLE cn_parts (id serial, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email,
                       plan text) PARTITION BY LIST (list_id);
CREATE TABLE cn_parts_10 PARTITION OF cn_parts FOR VALUES IN (10);
CREATE TABLE cn_parts_11 PARTITION OF cn_parts FOR VALUES IN (11);
INSERT INTO cn_parts (account_id, list_id, email, plan)
SELECT 1, 10 + g % 2, 'part.member' || g || '@example.com', 'free' FROM generate_series(1, 40) g;
SELECT listguard.protect('cn_parts', 'account_id', 'list_id');
GRANT SELECT ON cn_parts, cn_parts_10 TO cn_alice, cn_bob, cn_carol;
SET listguard.canary_domains = 'canaries.example';
SELECT listguard.plant_canaries('cn_parts', 1, 10, ARRAY['cn_alice', 'cn_bob']::regrole[], 2) AS planted_in_parts;
RESET listguard.canary_domains;
SELECT (SELECT count(*) FROM ONLY cn_parts_10) AS rows_in_partition_10, (SELECT count(*) FROM ONLY cn_parts_11) AS rows_in_11;
SELECT lgtest.as_role(r, 'SELECT count(*) FROM cn_parts WHERE list_id = 10') AS via_root,
       lgtest.as_role(r, 'SELECT count(*) FROM cn_parts_10') AS via_partition
FROM unnest(ARRAY['cn_alice', 'cn_bob', 'cn_carol']) r;
DROP TABLE cn_parts;

-- A dropped table's canaries are kept, removed, for tracing.
DROP TABLE cn_subs, cn_plain;
SELECT count(*) AS kept, count(*) FILTER (WHERE removed_at IS NULL) AS live, count(relid) AS with_table
FROM listguard.canaries WHERE role IS NOT NULL;
SELECT listguard.revoke_access(id) FROM listguard.grants
WHERE grantee IN ('cn_alice'::regrole, 'cn_bob'::regrole, 'cn_carol'::regrole, 'cn_mta'::regrole, 'cn_dave'::regrole,
                  'cn_team'::regrole, 'cn_lone'::regrole);
DROP FUNCTION lgtest.take_view(name);
DROP ROLE cn_alice, cn_bob, cn_carol, cn_mta, cn_dave, cn_helper, cn_team, cn_lone;
