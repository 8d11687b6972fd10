-- Leak attribution (docs/canaries.md): trace_leak() names a role
-- only when the file singles it out, never one that did not leak it; a
-- sender cannot pin its leak on the roles whose canaries it holds; every
-- canary read is in the trail at any density; what each role read in clear
-- is kept per day, so that canaries a role never read count for nothing
-- against it. Written as the attackers would try.
SET client_min_messages = warning;
CREATE ROLE la_alice;  -- reads list 10 in clear
CREATE ROLE la_bob;    -- reads list 10 in clear
CREATE ROLE la_dave;   -- may read list 10 in clear, never does
CREATE ROLE la_mta;    -- sends for account 1: sees every canary
CREATE ROLE la_eve;    -- reads list 20 of account 2 in clear, no sender there
CREATE ROLE la_helper IN ROLE listguard_approver; -- not an admin
CREATE TABLE la_subs (
    id         serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id    bigint NOT NULL,
    email      listguard.email NOT NULL,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    plan       text NOT NULL,
    UNIQUE (account_id, list_id, email)
);
INSERT INTO la_subs (account_id, list_id, email, first_name, last_name, plan)
SELECT CASE WHEN g <= 2000 THEN 1 ELSE 2 END, CASE WHEN g <= 2000 THEN 10 ELSE 20 END,
       lower(f) || '.' || lower(l) || g || '@' || (ARRAY['gmail.example', 'yahoo.example', 'mail.example'])[1 + g % 3],
       f, l, (ARRAY['free', 'pro', 'team'])[1 + g % 3]
FROM generate_series(1, 2400) g,
     LATERAL (SELECT (ARRAY['James','Mary','John','Linda','Paul','Emma','Ryan','Anna','Omar','Mei'])[1 + g % 10] AS f,
                     (ARRAY['Smith','Jones','Brown','Davis','Clark','Hall','Young','King','Scott','Lee'])[1 + (g / 10) % 10] AS l) n;
SELECT listguard.protect('la_subs', 'account_id', 'list_id') IS NULL AS protected;
GRANT SELECT ON la_subs TO la_alice, la_bob, la_dave, la_mta, la_eve, la_helper;
SELECT count(*) AS grants FROM (
    SELECT listguard.grant_access(r::regrole, 1, 10, reveal => 'clear') FROM unnest(ARRAY['la_alice', 'la_bob', 'la_dave']) r
    UNION ALL SELECT listguard.grant_access('la_mta', 1, reveal => 'clear', sends => true)
    UNION ALL SELECT listguard.grant_access('la_eve', 2, 20, reveal => 'clear')
    UNION ALL SELECT listguard.grant_access('la_helper', 1, 10, reveal => 'masked')) g;
SET listguard.canary_domains = 'canaries.example, traps.example, relay.example';
-- Mailboxes at the list's own providers, for canaries modelled on rows
-- there (the rest are made at the canary domains).
SELECT listguard.add_canary_addresses(ARRAY(
    SELECT lower(f) || '.' || lower(l) || (3000 + g) || '@' || (ARRAY['gmail.example', 'yahoo.example', 'mail.example'])[1 + g % 3]
    FROM generate_series(1, 150) g,
         LATERAL (SELECT (ARRAY['James','Mary','John','Linda','Paul','Emma','Ryan','Anna','Omar','Mei'])[1 + (g * 7) % 10] AS f,
                         (ARRAY['Smith','Jones','Brown','Davis','Clark','Hall','Young','King','Scott','Lee'])[1 + (g * 3) % 10] AS l) n))
    AS mailboxes;

-- Only admins plan, plant, and read what was planned or revealed.
SET ROLE la_helper;
SELECT lgtest.try($$SELECT listguard.plan_canaries('la_subs', 1, 10)$$) AS plan_by_helper;
SELECT lgtest.try($$SELECT listguard.plant_due_canaries()$$) AS due_by_helper;
SELECT lgtest.try($$SELECT count(*) FROM listguard.canary_plans$$) AS plans_by_helper;
SELECT lgtest.try($$SELECT count(*) FROM listguard.reveal_summaries$$) AS summaries_by_helper;
SELECT lgtest.try($$SELECT count(*) FROM listguard.reveal_summaries_since$$) AS since_by_helper;
SELECT lgtest.try($$SELECT * FROM listguard._revealed_by('\x00'::bytea, '{}', current_date)$$) AS internal_by_helper;
RESET ROLE;

-- 100 canaries for each role of list 10, 5 for eve in list 20.
SELECT listguard.plant_canaries('la_subs', 1, 10, ARRAY['la_alice', 'la_bob', 'la_dave', 'la_mta']::regrole[],
                                per_role => 100) AS planted;
SELECT listguard.plant_canaries('la_subs', 2, 20, ARRAY['la_eve']::regrole[], per_role => 5) AS planted_for_eve;
-- Slots: one number per canary of its account, none twice.
SELECT account, count(*) AS canaries, count(DISTINCT slot) AS slots
FROM listguard.canaries WHERE role::text LIKE 'la\_%' GROUP BY account ORDER BY account;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Every role's export, as its session reads it (alice, bob, the sender
-- and eve read their lists in clear; dave never does).
CREATE TEMP TABLE la_export (who text, id integer, line text, canary boolean);
GRANT ALL ON la_export TO PUBLIC;
CREATE FUNCTION lgtest.export(who name, list bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('role', who, true);
    INSERT INTO la_export SELECT who, s.id, format('%s,%s,%s', s.first_name, s.last_name, s.email), NULL
    FROM la_subs s WHERE s.list_id = list;
    PERFORM set_config('role', 'none', true);
END
$$;
SELECT lgtest.export(r, 10) FROM unnest(ARRAY['la_alice', 'la_bob', 'la_mta']) r;
SELECT lgtest.export('la_eve', 20);
UPDATE la_export e SET canary = EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.role IS NOT NULL
                                        AND c.address = split_part(e.line, ',', 3)::listguard.email);
SELECT who, count(*) AS rows, count(*) FILTER (WHERE canary) AS canaries FROM la_export GROUP BY who ORDER BY who;
-- The canaries in clear, as the sender read them, with their roles (for
-- the test's own use: an admin sees addresses only through a grant).
CREATE TEMP TABLE la_canary AS
SELECT c.id, c.role, split_part(e.line, ',', 3) AS address
FROM la_export e JOIN listguard.canaries c ON c.address = split_part(e.line, ',', 3)::listguard.email
WHERE e.who IN ('la_mta', 'la_eve') AND e.canary;
SELECT lgtest.audit_settle();

-- Complete reveal records: alice's export read her 100 canaries in one
-- statement; trace() has when she read each, and for no other canary.
SELECT count(*) AS alice_canaries, count(*) FILTER (WHERE t.first_revealed IS NOT NULL) AS read_in_clear
FROM la_canary c, LATERAL listguard.trace(c.address) t
WHERE c.role = 'la_alice'::regrole AND t.role = c.role;
SELECT count(*) AS dave_canaries, count(*) FILTER (WHERE t.first_revealed IS NOT NULL) AS dave_read
FROM la_canary c, LATERAL listguard.trace(c.address) t
WHERE c.role = 'la_dave'::regrole AND t.role = c.role;
-- Those records are the same size in every clear_reveal event, whatever
-- they note: alice's export (100 canaries), bob's, and one row read alone.
SELECT lgtest.as_role('la_bob', 'SELECT email::text FROM la_subs WHERE list_id = 10 ORDER BY id LIMIT 1') IS NOT NULL AS bob_one;
SELECT lgtest.audit_settle();
SELECT count(DISTINCT length(detail->>'canaries')) AS record_sizes, min(length(detail->>'canaries')) AS record_length
FROM listguard.audit_log WHERE kind = 'clear_reveal' AND id > :mark;

-- The reveal summaries say who read what in clear, never an address: the
-- audit writer folds the backends' keys into them within a second or so.
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN (SELECT count(DISTINCT role) FROM listguard.reveal_summaries WHERE role::text LIKE 'la\_%') = 4;
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT role, count(DISTINCT day) AS days, sum(items) >= 400 AS items
FROM listguard.reveal_summaries WHERE role::text LIKE 'la\_%' GROUP BY role ORDER BY role::text;
SELECT count(*) FILTER (WHERE bits::text LIKE '%@%') AS with_address FROM listguard.reveal_summaries;
-- One of alice's canaries: read by her and the sender, not by bob or dave.
SELECT r.role FROM listguard.canaries c, LATERAL listguard._revealed_by(c.loose_digest,
       ARRAY['la_alice', 'la_bob', 'la_dave', 'la_mta']::regrole[], current_date) r
WHERE c.id = (SELECT min(id) FROM listguard.canaries WHERE role = 'la_alice'::regrole) ORDER BY r.role::text;

-- A leak from a tenth of alice's export: alice's canaries point at her, but
-- the sender read them too and could have made the file, leaving out the
-- other canaries (if it can spot them, test/attacks 101): nobody is named,
-- and the sender is at least as likely as she.
CREATE FUNCTION lgtest.leak(who text, share float8, seed float8) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(e.line ORDER BY md5(e.line)) FROM la_export e
    WHERE e.who = leak.who AND abs(hashtext(e.line || seed::text)) % 1000 < share * 1000
$$;
SELECT role, canaries_found > 0 AS found, canaries_visible >= 100 AS sees_100, canaries_revealed,
       addresses_revealed > 0.9 AS read_the_file, odds > 5 AS odds_over_5, likely
FROM listguard.trace_leak(lgtest.leak('la_alice', 0.1, 1)) ORDER BY role::text;
-- test/attacks 101: the sender's whole export without its canaries, but
-- for two of alice's. Missing canaries do not clear it: alice is not named,
-- and the sender's odds are hers.
SELECT role, canaries_found, likely, odds = max(odds) OVER () AS best_odds
FROM listguard.trace_leak(ARRAY(SELECT split_part(line, ',', 3) FROM la_export WHERE who = 'la_mta' AND NOT canary)
                          || ARRAY(SELECT c.address FROM la_canary c WHERE c.role = 'la_alice'::regrole
                                   ORDER BY c.id LIMIT 2))
ORDER BY role::text;
-- The sender's tenth holds canaries of all four: the sender.
SELECT role, likely FROM listguard.trace_leak(lgtest.leak('la_mta', 0.1, 1)) WHERE likely;
-- Over many leaks of every role, from 1 % to 20 % of its export, nobody but
-- the leaker is ever named; from 20 %, the sender always is; a reader's,
-- which the sender could have made, name nobody.
SELECT w.who, count(*) AS leaks,
       count(*) FILTER (WHERE t.named IS NOT NULL AND t.named <> w.who) AS named_another,
       coalesce(bool_and(t.named = w.who) FILTER (WHERE s.share = 0.2), false) AS named_from_a_fifth
FROM unnest(ARRAY['la_alice', 'la_bob', 'la_mta']) w(who), unnest(ARRAY[0.01, 0.05, 0.2]) s(share),
     generate_series(1, 6) seed,
     LATERAL (SELECT string_agg(x.role::text, ',') AS named FROM listguard.trace_leak(lgtest.leak(w.who, s.share, seed)) x
              WHERE x.likely) t
GROUP BY w.who ORDER BY w.who;

-- The sender, trying to pin its leak on others. It cannot tell canaries
-- from real rows, so it filters its export the ways it might hope to strip
-- canaries or keep one role's: by plan, by names that fit the address, by
-- domain, by id range. Whatever it leaks names the sender or nobody.
SELECT f.how, count(*) FILTER (WHERE t.likely AND t.role::text <> 'la_mta') AS innocents_named,
       coalesce(bool_or(t.likely AND t.role::text = 'la_mta'), false) AS sender_named
FROM (VALUES ('one plan'), ('names fit the address'), ('one domain'), ('newest ids'), ('a small slice')) f(how)
     LEFT JOIN LATERAL (SELECT x.* FROM listguard.trace_leak(
                  (SELECT array_agg(line) FROM (SELECT * FROM la_export WHERE who = 'la_mta') e
                   WHERE CASE f.how WHEN 'one plan' THEN e.id % 3 = 0
                                    WHEN 'names fit the address' THEN lower(split_part(e.line, ',', 3))
                                                                      LIKE lower(split_part(e.line, ',', 1)) || '.%'
                                    WHEN 'one domain' THEN e.line LIKE '%@gmail.example'
                                    WHEN 'newest ids' THEN e.id > 1800
                                    ELSE e.id % 50 = 7 END)) x) t ON true
GROUP BY f.how ORDER BY f.how;

-- Dave never read his list in clear. The sender's tenth holds some of his
-- canaries: they count against the sender, never against dave, who could
-- see them but never read them.
SELECT role, canaries_revealed, likely FROM listguard.trace_leak(lgtest.leak('la_mta', 0.1, 2))
WHERE role = 'la_dave'::regrole;
-- Nor does a file of alice's with one of dave's canaries (however she got
-- it) name dave (nor anyone: the sender read them all).
SELECT role, likely FROM listguard.trace_leak(lgtest.leak('la_alice', 0.3, 3) || ARRAY(
    SELECT c.address FROM la_canary c WHERE c.role = 'la_dave'::regrole ORDER BY c.id LIMIT 1))
WHERE likely;

-- A file with nothing of the database names nobody; one of another list
-- weighs only that list's readers.
SELECT count(*) AS nobody FROM listguard.trace_leak(ARRAY['someone@elsewhere.example', 'x']);
SELECT role, likely FROM listguard.trace_leak(lgtest.leak('la_eve', 0.6, 1)) ORDER BY role::text;

-- Spam at eve's canary: eve could see it, and read it; spam at one of
-- dave's: dave and the sender could, only the sender read it. Mail at a
-- canary that no one read is a probable guess.
SELECT role, sees, revealed FROM listguard.report_canary_hit((SELECT c.address FROM la_canary c
                                                               WHERE c.role = 'la_eve'::regrole ORDER BY c.id LIMIT 1),
                                                              now(), 'trap');
SELECT role, sees, revealed FROM listguard.report_canary_hit((SELECT c.address FROM la_canary c
                                                               WHERE c.role = 'la_dave'::regrole ORDER BY c.id LIMIT 1),
                                                              now(), 'trap');
-- A new canary of eve's, not read yet: mail there is a probable guess.
SELECT listguard.plant_canaries('la_subs', 2, 20, ARRAY['la_eve']::regrole[], per_role => 1) AS one_more;
DELETE FROM la_export WHERE who = 'la_eve';
SELECT lgtest.export('la_eve', 20);
SELECT role, sees, revealed FROM listguard.report_canary_hit((SELECT split_part(e.line, ',', 3) FROM la_export e
                                                               WHERE e.who = 'la_eve' AND NOT EXISTS (
                                                                   SELECT 1 FROM la_canary k
                                                                   WHERE k.address = split_part(e.line, ',', 3))
                                                                 AND EXISTS (
                                                                   SELECT 1 FROM listguard.canaries c
                                                                   WHERE c.address = split_part(e.line, ',', 3)::listguard.email)),
                                                              now() - interval '1 day', 'trap');
SELECT lgtest.audit_settle();
SELECT detail->'detail'->>'verdict' AS verdict, detail->'detail'->'could_see' AS could_see
FROM listguard.audit_log WHERE kind = 'canary' AND detail->>'action' = 'hit' AND id > :mark ORDER BY id;

-- Planned canaries: due at random moments within the period, planted one
-- at a time by plant_due_canaries(); removing canaries removes plans.
SELECT lgtest.try($$SELECT listguard.plan_canaries('la_subs', 1, 10, over => '0 seconds')$$) AS zero_period;
SELECT lgtest.try($$SELECT listguard.plan_canaries('la_subs', 1, NULL)$$) AS no_list;
SELECT lgtest.try($$SELECT listguard.plant_due_canaries(0)$$) AS at_most_zero;
SELECT listguard.plan_canaries('la_subs', 1, 10, ARRAY['la_alice', 'la_bob']::regrole[], per_role => 2,
                               over => '1 millisecond') AS planned;
SELECT listguard.plan_canaries('la_subs', 1, 10, ARRAY['la_bob']::regrole[], per_role => 3, over => '30 days') AS later;
SELECT pg_sleep(0.01);
SELECT listguard.plant_due_canaries(1) AS first, listguard.plant_due_canaries() AS rest;
SELECT count(*) AS plans_left, bool_and(due_at > now()) AS all_later FROM listguard.canary_plans;
SELECT listguard.remove_canaries('la_subs', 1, 10, ARRAY['la_bob']::regrole[]) > 100 AS removed_bob;
SELECT count(*) AS plans_left FROM listguard.canary_plans;

-- Carol reads little in clear: only the rows planted after she was given
-- her grant (her canaries). A file that holds her canaries among hundreds
-- of the list's addresses she never read (bob's, say, with his canaries
-- taken out, as someone trying to frame her might) is not hers: her reveal
-- summaries clear her, and the sender, which read them all but whose other
-- canaries are missing, is not named either. A leak of what she did read
-- names her.
CREATE ROLE la_carol;
GRANT SELECT ON la_subs TO la_carol;
SELECT listguard.grant_access('la_carol', 1, 10, reveal => 'clear') > 0 AS carol_granted;
SELECT max(id) AS before_carol FROM la_subs \gset
SELECT listguard.plant_canaries('la_subs', 1, 10, ARRAY['la_carol']::regrole[], per_role => 20) AS planted_for_carol;
CREATE FUNCTION lgtest.read_after(who name, after integer) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('role', who, true);
    RETURN QUERY SELECT s.email::text FROM la_subs s WHERE s.id > after AND s.list_id = 10;
    PERFORM set_config('role', 'none', true);
END
$$;
INSERT INTO la_export SELECT 'la_carol', NULL, line, true FROM lgtest.read_after('la_carol', :before_carol) line;
SELECT count(*) AS carol_read FROM la_export WHERE who = 'la_carol';
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM listguard.reveal_summaries WHERE role = 'la_carol'::regrole);
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT role, canaries_found, addresses_revealed < 0.1 AS read_little, likely
FROM listguard.trace_leak(ARRAY(SELECT line FROM la_export WHERE who = 'la_carol') || ARRAY(
         SELECT split_part(line, ',', 3) FROM la_export WHERE who = 'la_bob' AND NOT canary ORDER BY id LIMIT 600))
ORDER BY role::text;
SELECT role, canaries_found, addresses_revealed, likely
FROM listguard.trace_leak(ARRAY(SELECT line FROM la_export WHERE who = 'la_carol')) ORDER BY role::text;

-- Alice pads her leak with addresses of a list she cannot read (list 11,
-- whose only canaries are the sender's), to look as if she read less than
-- half of the file: what she read is measured against the lists where the
-- file holds a canary, so the padding does not clear her (her odds stay;
-- she is not named only because the sender could have made the file).
INSERT INTO la_subs (account_id, list_id, email, first_name, last_name, plan)
SELECT 1, 11, 'pad' || g || '@pad.example', 'Pad', 'Row', 'free' FROM generate_series(1, 400) g;
SELECT listguard.plant_canaries('la_subs', 1, 11, ARRAY['la_mta']::regrole[], per_role => 5) AS planted_in_11;
SELECT role, addresses_revealed > 0.9 AS read_what_counts, odds > 5 AS odds_over_5, likely
FROM listguard.trace_leak(lgtest.leak('la_alice', 0.1, 4) || ARRAY(SELECT 'pad' || g || '@pad.example'
                                                                   FROM generate_series(1, 400) g))
WHERE likely OR role = 'la_alice'::regrole ORDER BY role::text;

DROP TABLE la_subs;
SELECT count(*) > 0 AS revoked FROM (SELECT listguard.revoke_access(id) FROM listguard.grants
                                     WHERE grantee::text LIKE 'la\_%') x;
DROP FUNCTION lgtest.export(name, bigint), lgtest.leak(text, float8, float8), lgtest.read_after(name, integer);
DROP ROLE la_alice, la_bob, la_dave, la_mta, la_eve, la_helper, la_carol;
RESET listguard.canary_domains;
