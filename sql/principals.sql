-- Principals: the people behind an application role. An application
-- registered with its Ed25519 key acts for one of them per transaction
-- with an assertion it signed (act_as); what the session then reads is what
-- both the principal's grants and the application's allow, charged to both,
-- and every audit event names the person. Assertions are made by
-- test/principals/assert (openssl); the attacks are in principal_attacks.
CREATE ROLE pr_webapp;     -- the customers' web app: require_principal
CREATE ROLE pr_adminapp;   -- the ESP's admin tool: session principals allowed
CREATE ROLE pr_plain;      -- no application
CREATE ROLE pr_admin IN ROLE listguard_admin;
CREATE ROLE pr_admin2 IN ROLE listguard_admin;
CREATE TABLE pr_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL);
INSERT INTO pr_subs VALUES
    (1, 1, 10, 'ann.one@example.com'), (2, 1, 10, 'ben.two@example.com'), (3, 1, 10, 'cy.three@example.com'),
    (4, 1, 10, 'di.four@example.com'), (5, 1, 11, 'ed.five@example.com'), (6, 2, 20, 'flo.six@example.org'),
    (7, 2, 20, 'gus.seven@example.org');
SELECT listguard.protect('pr_subs', 'account_id', 'list_id');
-- lgtest.try, with the ids and times that depend on what ran before masked.
CREATE FUNCTION pr_try(query text) RETURNS text LANGUAGE sql AS $$
    SELECT regexp_replace(regexp_replace(regexp_replace(lgtest.try(query), 'Grant [0-9]+', 'Grant <id>', 'g'),
                                         'resets at [^;|]*', 'resets at <time>', 'g'),
                          'request [0-9]+', 'request <id>', 'g')
$$;
GRANT SELECT, INSERT, UPDATE ON pr_subs TO pr_webapp, pr_adminapp, pr_plain;
-- The applications' own grants: the ceiling of every principal behind them.
SELECT listguard.grant_access('pr_webapp', 1, reveal => 'clear', can_write => true, quota => '100/day') IS NOT NULL AS webapp_1;
SELECT listguard.grant_access('pr_webapp', 2, reveal => 'masked') IS NOT NULL AS webapp_2;
SELECT listguard.grant_access('pr_adminapp', NULL, reveal => 'clear') IS NOT NULL AS adminapp_all;
SELECT listguard.grant_access('pr_plain', 1, reveal => 'clear') IS NOT NULL AS plain_1;

-- Principals: created by admins only, with names assertions can carry.
SELECT listguard.create_principal('acme:alice', 1, 'Acme marketing') > 0 AS alice;
SELECT listguard.create_principal('acme:bob', 1) > 0 AS bob;
SELECT listguard.create_principal('globex:carol', 2) > 0 AS carol;
SELECT listguard.create_principal('esp:sam', NULL, 'ESP support') > 0 AS sam;
SELECT lgtest.try($$SELECT listguard.create_principal('acme:alice')$$) AS duplicate;
SELECT lgtest.try($$SELECT listguard.create_principal(' acme:alice')$$) AS padded;
SELECT lgtest.try($$SELECT listguard.create_principal(E'acme:\nalice')$$) AS control_character;
SELECT lgtest.try($$SELECT listguard.create_principal(repeat('x', 129))$$) AS too_long;
SELECT lgtest.try($$SELECT listguard.create_principal('alice' || chr(64) || 'acme')$$) AS an_address;
SELECT lgtest.try($$SELECT listguard.create_principal('acme:eve', 0)$$) AS bad_account;
SET ROLE pr_plain;
SELECT lgtest.try($$SELECT listguard.create_principal('acme:eve')$$) AS by_non_admin;
SELECT lgtest.try($$SELECT * FROM listguard.principals$$) AS view_by_non_admin;
RESET ROLE;
SELECT name, account, description, grants FROM listguard.principals ORDER BY name;

-- Grants to principals: the same reveal levels, quotas and expiry; an
-- account's principal stays in its account.
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '6/day', principal => 'acme:alice') IS NOT NULL AS alice_10;
SELECT listguard.grant_access(NULL, 1, reveal => 'pseudonym', principal => 'acme:bob') IS NOT NULL AS bob_1;
SELECT listguard.grant_access(NULL, 2, reveal => 'clear', principal => 'globex:carol') IS NOT NULL AS carol_2;
SELECT listguard.grant_access(NULL, NULL, reveal => 'clear', valid_until => now() + interval '1 hour',
                              reason => 'ticket 4711', principal => 'esp:sam') IS NOT NULL AS sam_all;
SELECT lgtest.try($$SELECT listguard.grant_access(NULL, 2, reveal => 'clear', principal => 'acme:alice')$$) AS other_account;
SELECT lgtest.try($$SELECT listguard.grant_access(NULL, NULL, reveal => 'clear', principal => 'acme:alice')$$) AS every_account;
SELECT lgtest.try($$SELECT listguard.grant_access('pr_plain', 1, principal => 'acme:alice')$$) AS role_and_principal;
SELECT lgtest.try($$SELECT listguard.grant_access(NULL, 1, principal => 'acme:nobody')$$) AS unknown_principal;
SELECT lgtest.try($$SELECT listguard.grant_access(NULL, 1)$$) AS nobody;
SELECT name, grants FROM listguard.principals ORDER BY name;

-- Applications: an Ed25519 public key in PEM; the key id is its JWK
-- thumbprint (RFC 7638), which an assertion may name as kid.
\set webapp_pub `cat test/principals/webapp.pub`
\set adminapp_pub `cat test/principals/adminapp.pub`
\set other_pub `cat test/principals/other.pub`
SELECT listguard.add_application('pr_webapp', :'webapp_pub', require_principal => true) AS webapp_kid;
SELECT listguard.add_application('pr_adminapp', :'adminapp_pub', session_principals => true) AS adminapp_kid;
SELECT lgtest.try($$SELECT listguard.add_application('pr_plain', 'not a key')$$) AS not_pem;
SELECT lgtest.try(format('SELECT listguard.add_application(%L, %L)', 'pr_plain', :'webapp_pub')) AS key_of_another;
SELECT lgtest.try(format('SELECT listguard.add_application(%L, %L)', 'pr_webapp', :'webapp_pub')) AS key_twice;
SELECT lgtest.try(format('SELECT listguard.add_application(%L, %L)', 'postgres', :'other_pub')) AS superuser;
\set private_key `cat test/principals/other.key`
SELECT lgtest.try(format('SELECT listguard.add_application(%L, %L)', 'pr_plain', :'private_key')) AS private_key;
SET ROLE pr_plain;
SELECT lgtest.try(format('SELECT listguard.add_application(%L, %L)', 'pr_plain', :'other_pub')) AS by_non_admin;
RESET ROLE;
SELECT role, require_principal, session_principals FROM listguard.applications ORDER BY role::text;
SELECT role, key_id = (SELECT k.key_id FROM listguard._application_key(:'webapp_pub') k) AS webapp_key
FROM listguard.application_keys ORDER BY role::text;

-- What a principal may do through an application: its grants cut down by
-- the application's (the ceiling).
SELECT account, list, reveal, quota, via_role, ceiling_reveal
FROM listguard.explain_access('pr_webapp', 'acme:alice');
SELECT account, list, reveal, via_role, ceiling_reveal
FROM listguard.explain_access('pr_webapp', 'globex:carol');
SELECT account, list, reveal, via_role, ceiling_reveal
FROM listguard.explain_access(NULL, 'globex:carol');
SELECT lgtest.try($$SELECT * FROM listguard.explain_access('pr_webapp', 'acme:nobody')$$) AS unknown;
SELECT count(*) AS role_rows FROM listguard.explain_access('pr_webapp');

-- Without a principal, the require_principal application sees its rows
-- masked; an application that does not require one sees what its grants
-- allow.
SET ROLE pr_webapp;
SELECT id, email FROM pr_subs ORDER BY id;
SELECT listguard.current_principal() IS NULL AS nobody;
RESET ROLE;

-- Alice, through the web app: her list, in clear; nothing of the rest.
\set tok_a1 `test/principals/assert webapp acme:alice`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_a1') AS acting_for;
SELECT listguard.current_principal();
SELECT id, email FROM pr_subs ORDER BY id;
SELECT listguard.can_read(1, 11) AS alice_reads_11, listguard.can_read(1, 10) AS alice_reads_10;
COMMIT;
-- The principal ended with the transaction.
SELECT listguard.current_principal() IS NULL AS ended, count(*) AS rows_masked FROM pr_subs WHERE email::text LIKE '%***%';
RESET ROLE;

-- Bob: pseudonyms in all of account 1.
\set tok_b1 `test/principals/assert webapp acme:bob`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_b1') AS acting_for;
SELECT id, lgtest.shape(email::text) AS email FROM pr_subs ORDER BY id;
COMMIT;
RESET ROLE;

-- Carol has clear on account 2, but the web app's grant there is masked:
-- the ceiling holds. Through the admin tool (clear everywhere) she sees it.
\set tok_c1 `test/principals/assert webapp globex:carol`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_c1') AS acting_for;
SELECT id, email FROM pr_subs ORDER BY id;
COMMIT;
RESET ROLE;
\set tok_c2 `test/principals/assert adminapp globex:carol`
SET ROLE pr_adminapp;
BEGIN;
SELECT listguard.act_as(:'tok_c2') AS acting_for;
SELECT id, email FROM pr_subs ORDER BY id;
COMMIT;
RESET ROLE;

-- Quotas: each clear value is charged to the principal's grant (6/day)
-- and to the application's (100/day). Alice read 4 values above; 4 more
-- are over her quota (not over the application's).
SELECT principal, quota, used FROM listguard.quota_usage WHERE principal = 'acme:alice';
SELECT role, quota, used >= 4 AS charged FROM listguard.quota_usage WHERE role = 'pr_webapp'::regrole;
\set tok_a2 `test/principals/assert webapp acme:alice`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_a2') AS acting_for;
-- Her own quota, shown to her application while it acts for her.
SELECT principal, used FROM listguard.quota_usage WHERE principal IS NOT NULL;
SELECT pr_try($$SELECT string_agg(email::text, ',') FROM pr_subs$$) AS over_quota;
ROLLBACK;
RESET ROLE;

-- The audit trail names the principal: the clear reveals (with both
-- grants), and what audit_for(principal => ...) finds.
SELECT lgtest.audit_settle() AS settled;
SELECT kind, detail ->> 'principal' AS principal, (detail ? 'principal_grant') AS principal_grant,
       counts ->> 'clear' AS clear
FROM listguard.audit_log WHERE kind = 'clear_reveal' AND detail ->> 'role' IN ('pr_webapp', 'pr_adminapp')
ORDER BY id;
SELECT kind, count(*) FROM listguard.audit_for(principal => 'acme:alice') GROUP BY kind ORDER BY kind;
SELECT count(*) AS carol_events FROM listguard.audit_for(principal => 'globex:carol');
SELECT lgtest.try($$SELECT * FROM listguard.audit_for()$$) AS neither;
SELECT detail ->> 'action' AS action, detail -> 'arguments' ->> 'name' AS name
FROM listguard.audit_log WHERE kind = 'principal' ORDER BY id LIMIT 2;

-- Writes: within both grants only. Alice's grant does not write; Sam's
-- (support) does not either; Wendy's writes to list 10, and the web app
-- writes there for her.
SELECT listguard.create_principal('acme:wendy', 1) > 0 AS wendy;
SELECT listguard.grant_access(NULL, 1, 10, can_write => true, principal => 'acme:wendy') IS NOT NULL AS wendy_10;
\set tok_w1 `test/principals/assert webapp acme:wendy`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_w1') AS acting_for;
INSERT INTO pr_subs VALUES (8, 1, 10, 'hal.eight@example.com');
COMMIT;
-- Acting for nobody, SQL injected into the web app writes nowhere, though
-- its own grant writes to account 1 (attack 72): nobody is never more than
-- a principal could be. No insert, no update, no COPY; and it cannot ask
-- for access for itself, above every principal behind it.
SELECT listguard.current_principal() IS NULL AS nobody;
SELECT lgtest.try($$INSERT INTO pr_subs VALUES (9, 1, 10, 'ivy.nine@example.com')$$) AS nobody_inserts;
UPDATE pr_subs SET email = 'overwritten@evil.example' WHERE id = 1 RETURNING id AS nobody_overwrote;
COPY pr_subs FROM STDIN (FORMAT csv);
9,1,10,ivy.nine@example.com
\.
SELECT lgtest.try($$SELECT listguard.request_access(1, 10, 'clear', '1 hour', 'ticket 1')$$) AS nobody_asks;
SELECT listguard.can_write(1, 10) AS nobody_can_write, listguard.can_read(1, 10) AS nobody_can_read;
RESET ROLE;
SELECT email FROM pr_subs WHERE id = 1;
\set tok_a3 `test/principals/assert webapp acme:alice`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_a3') AS acting_for;
SELECT lgtest.try($$INSERT INTO pr_subs VALUES (9, 1, 10, 'ivy.nine@example.com')$$) AS alice_writes;
ROLLBACK;
RESET ROLE;

-- Assertion details: aud may be an array holding the audience; a kid names
-- one of the application's keys; nbf in the past is fine; the audience is
-- listguard.audience when set (a superuser's setting).
\set tok_k1 `test/principals/assert webapp acme:bob aud=other,contrib_regression kid=oeGl5bezVvLnnhfCOy14m0qUAa0DVIJohLp2xDvTqP4 nbf=-30`
SET listguard.audience = 'esp-primary';
\set tok_k2 `test/principals/assert webapp acme:bob`
\set tok_k3 `test/principals/assert webapp acme:bob aud=esp-primary`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_k3') AS with_audience_set;
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok_k2')) AS database_name_no_longer;
ROLLBACK;
RESET ROLE;
RESET listguard.audience;
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_k1') AS audience_array_and_kid;
ROLLBACK;
RESET ROLE;

-- Networks: a principal's from_networks is matched against the address its
-- assertion names (ip), never the connection's (the pooler's); without one
-- the person is outside every network.
SELECT listguard.create_principal('acme:dora', 1) > 0 AS dora;
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', from_networks => '{203.0.113.0/24}',
                              principal => 'acme:dora') IS NOT NULL AS dora_10;
\set tok_n1 `test/principals/assert webapp acme:dora ip=203.0.113.9`
\set tok_n2 `test/principals/assert webapp acme:dora ip=198.51.100.9`
\set tok_n3 `test/principals/assert webapp acme:dora`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_n1') AS inside;
SELECT email FROM pr_subs WHERE id = 1;
COMMIT;
BEGIN;
SELECT listguard.act_as(:'tok_n2') AS outside;
SELECT email FROM pr_subs WHERE id = 1;
COMMIT;
BEGIN;
SELECT listguard.act_as(:'tok_n3') AS no_address;
SELECT email FROM pr_subs WHERE id = 1;
COMMIT;
RESET ROLE;

-- A principal of the session (session pooling): allowed to the admin tool
-- only, until end_principal(), DISCARD ALL, or a rolled-back change.
\set tok_s1 `test/principals/assert adminapp esp:sam`
\set tok_s2 `test/principals/assert webapp esp:sam`
SET ROLE pr_webapp;
SELECT lgtest.try(format('SELECT listguard.act_as(%L, session => true)', :'tok_s2')) AS webapp_session;
RESET ROLE;
SET ROLE pr_adminapp;
SELECT listguard.act_as(:'tok_s1', session => true) AS acting_for;
SELECT listguard.current_principal() AS still_sam, count(*) FILTER (WHERE email::text NOT LIKE '%***%') AS clear_rows
FROM pr_subs;
SELECT listguard.end_principal();
SELECT listguard.current_principal() IS NULL AS ended;
\set tok_s3 `test/principals/assert adminapp esp:sam`
SELECT listguard.act_as(:'tok_s3', session => true) AS acting_for;
RESET ROLE;
DISCARD ALL;
SELECT listguard.current_principal() IS NULL AS discarded;

-- Dropping the application: its sessions act for nobody, and see masks.
\set tok_d1 `test/principals/assert adminapp acme:bob`
SET ROLE pr_adminapp;
BEGIN;
SELECT listguard.act_as(:'tok_d1') AS acting_for;
RESET ROLE;
SELECT listguard.drop_application('pr_adminapp');
SET ROLE pr_adminapp;
SELECT count(*) FILTER (WHERE email::text LIKE '%***%') AS masked, count(*) AS total FROM pr_subs;
COMMIT;
RESET ROLE;
SELECT lgtest.try($$SELECT listguard.drop_application('pr_adminapp')$$) AS again;
SELECT listguard.add_application('pr_adminapp', :'adminapp_pub', session_principals => true) IS NOT NULL AS readded;

-- Two-person rule: a clear grant to a principal waits for a second person.
SET listguard.two_person_rule = on;
SET ROLE pr_admin;
SET client_min_messages = warning;
SELECT listguard.grant_access(NULL, 1, 11, reveal => 'clear', principal => 'acme:alice') AS request \gset
RESET client_min_messages;
SELECT kind, grantee, principal, state FROM listguard.access_requests WHERE request_id = :request;
SELECT pr_try(format('SELECT listguard.approve(%s)', :request)) AS own_approval;
RESET ROLE;
SET ROLE pr_admin2;
SELECT listguard.approve(:request);
RESET ROLE;
RESET listguard.two_person_rule;
SELECT account, list, reveal FROM listguard.explain_access('pr_webapp', 'acme:alice') ORDER BY list;

-- Break-glass: the web app, acting for Bob, asks for clear access for Bob
-- (not for itself); an approver's approval makes Bob's grant.
\set tok_b2 `test/principals/assert webapp acme:bob`
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_b2') AS acting_for;
SELECT listguard.request_access(1, 11, 'clear', '1 hour', 'complaint 12') AS bob_request \gset
COMMIT;
RESET ROLE;
SELECT requester, grantee, principal, state FROM listguard.access_requests WHERE request_id = :bob_request;
SELECT listguard.approve(:bob_request);
SELECT account, list, reveal, valid_until IS NOT NULL AS expires FROM listguard.explain_access('pr_webapp', 'acme:bob')
ORDER BY list NULLS FIRST;

-- Canaries of a principal: seen by that person and by the application
-- acting for nobody (which it can always do), not by the application acting
-- for anyone else; the registry names the person.
SELECT listguard.add_canary_addresses(ARRAY['lena.berg@mailbox-one.example', 'tom.hart@mailbox-two.example',
                                            'ines.roe@mailbox-one.example', 'otto.lind@mailbox-two.example',
                                            'vera.holm@mailbox-one.example']) AS added;
-- (A canary row copies a real row; its id draws a value of its own.)
ALTER TABLE pr_subs ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (START WITH 100);
SELECT lgtest.try($$SELECT listguard.plant_canaries('pr_subs', 2, 20, principals => ARRAY['globex:carol'],
                                                    application => 'pr_plain')$$) AS not_an_application;
SELECT lgtest.try($$SELECT listguard.plant_canaries('pr_subs', 2, 20, principals => ARRAY['acme:nobody'])$$) AS unknown;
-- The application: the only one with a clear grant on the list (the admin tool).
SELECT listguard.plant_canaries('pr_subs', 2, 20, principals => ARRAY['globex:carol'], per_principal => 2) AS planted;
SELECT role, principal IS NOT NULL AS for_principal, count(*) FROM listguard.canaries
WHERE role IS NOT NULL AND relid = 'pr_subs'::regclass GROUP BY 1, 2;
\set tok_c3 `test/principals/assert adminapp globex:carol`
\set tok_s4 `test/principals/assert adminapp esp:sam`
SET ROLE pr_adminapp;
SELECT count(*) AS rows_without_principal FROM pr_subs WHERE account_id = 2;
-- (The admin tool acting for nobody reads account 2 in clear: a file it
-- leaks holds carol's canaries, and names the admin tool, no person.)
SELECT array_agg(email::text)::text AS nobody_file FROM pr_subs WHERE account_id = 2 \gset
BEGIN;
SELECT listguard.act_as(:'tok_s4') AS acting_for;
SELECT count(*) AS rows_for_sam FROM pr_subs WHERE account_id = 2;
COMMIT;
BEGIN;
SELECT listguard.act_as(:'tok_c3') AS acting_for;
SELECT count(*) AS rows_for_carol FROM pr_subs WHERE account_id = 2;
SELECT array_agg(email::text)::text AS carol_file FROM pr_subs WHERE account_id = 2 \gset
COMMIT;
RESET ROLE;
SELECT role, canaries_found FROM listguard.trace_leak(:'carol_file'::text[]);
SELECT p.name AS planted_for, count(*) AS in_carol_file FROM listguard.canaries c
JOIN listguard.principals p ON p.id = c.principal
WHERE c.address = ANY (:'carol_file'::text[]::listguard.email[]) GROUP BY 1;
SELECT lgtest.audit_settle() AS settled;
SELECT role, canaries_found, canaries_revealed FROM listguard.trace_leak(:'nobody_file'::text[]);
SELECT detail ->> 'principal' AS principal, count(*) AS clear_reveals_of_account_2
FROM listguard.audit_log WHERE kind = 'clear_reveal' AND detail ->> 'role' = 'pr_adminapp'
  AND account = 2 GROUP BY 1 ORDER BY 1;
-- SQL injected into the web app (attack 60), holding alice's assertion,
-- lists the rows of her list acting for nobody, then acting for her: the
-- same rows, so the difference singles none of her canaries out.
SELECT listguard.plant_canaries('pr_subs', 1, 10, principals => ARRAY['acme:alice'], per_principal => 2,
                                application => 'pr_webapp') AS planted_for_alice;
\set tok_a5 `test/principals/assert webapp acme:alice`
SET ROLE pr_webapp;
BEGIN;
CREATE TEMP TABLE pr_nobody_ids AS SELECT id FROM pr_subs WHERE list_id = 10;
SELECT listguard.act_as(:'tok_a5') AS acting_for;
SELECT count(*) AS rows_for_alice,
       (SELECT count(*) FROM pr_nobody_ids) AS rows_for_nobody,
       (SELECT count(*) FROM (SELECT id FROM pr_subs WHERE list_id = 10 EXCEPT SELECT id FROM pr_nobody_ids) s)
           AS spotted
FROM pr_subs WHERE list_id = 10;
ROLLBACK;
RESET ROLE;
SELECT listguard.remove_canaries('pr_subs') AS removed;

-- Dropping a principal takes its grants with it.
SELECT listguard.create_principal('acme:temp', 1) > 0 AS temp;
SELECT listguard.grant_access(NULL, 1, reveal => 'clear', principal => 'acme:temp') IS NOT NULL AS temp_grant;
SELECT listguard.drop_principal('acme:temp');
SELECT count(*) AS temp_grants FROM listguard.grants WHERE principal IS NOT NULL
  AND principal NOT IN (SELECT id FROM listguard.principals);
SELECT lgtest.try($$SELECT listguard.drop_principal('acme:temp')$$) AS again;

-- A revocation reaches a server connection that already acts for the
-- principal (a pooled connection lives for hours): the same backend, after
-- another session revoked erin's grant, reads masks with a fresh
-- assertion; erin dropped, it cannot act for her at all.
SELECT listguard.create_principal('acme:erin', 1) > 0 AS erin;
SELECT listguard.grant_access(NULL, 1, 11, reveal => 'clear', principal => 'acme:erin') AS erin_grant \gset
\! /usr/bin/python3 test/principals/live_backend.py erin
-- A key dropped by an administrator whose session never used principals is
-- announced to the backend that used it.
\! /usr/bin/python3 test/principals/live_backend.py --dropped-key acme:bob

-- A role an administrator made a member of the web app (attack 66), for a
-- second pool or a job: the web app's grants, and those of the roles the
-- web app belongs to, reach it only as far as they reach the web app
-- acting for nobody (its rows, masked, no writes); it cannot act for a
-- principal (it is no application). Its own grants still apply, and so do
-- grants it receives around the application.
CREATE ROLE pr_exporters;
CREATE ROLE pr_jobs IN ROLE pr_webapp;
CREATE ROLE pr_jobs2 IN ROLE pr_webapp, pr_exporters;
GRANT pr_exporters TO pr_webapp;
GRANT SELECT, INSERT, UPDATE ON pr_subs TO pr_jobs, pr_jobs2;
SELECT listguard.grant_access('pr_exporters', 2, reveal => 'clear') IS NOT NULL AS exporters_2;
SELECT listguard.grant_access('pr_jobs', 1, 11, reveal => 'pseudonym') IS NOT NULL AS jobs_11;
SET ROLE pr_jobs;
SELECT id, lgtest.shape(email::text) AS email FROM pr_subs WHERE id IN (1, 5, 6) ORDER BY id;
SELECT listguard.can_write(1, 10) AS jobs_can_write;
SELECT lgtest.try($$INSERT INTO pr_subs VALUES (9, 1, 10, 'ivy.nine@example.com')$$) AS jobs_inserts;
\set tok_j1 `test/principals/assert webapp acme:wendy`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok_j1')) AS jobs_acts;
RESET ROLE;
SET ROLE pr_jobs2;
SELECT id, email FROM pr_subs WHERE id IN (1, 6) ORDER BY id;
RESET ROLE;
-- Through SET ROLE to the web app, the member acts for a principal as the
-- web app does.
SET ROLE pr_jobs;
SET ROLE pr_webapp;
BEGIN;
SELECT listguard.act_as(:'tok_j1') AS acting_for;
SELECT listguard.can_write(1, 10) AS wendy_can_write;
ROLLBACK;
RESET ROLE;
-- An application registered without require_principal passes its grants
-- on as any role does.
SELECT listguard.drop_application('pr_webapp');
SELECT listguard.add_application('pr_webapp', :'webapp_pub') IS NOT NULL AS without_require;
SET ROLE pr_jobs;
SELECT id, email FROM pr_subs WHERE id = 1;
RESET ROLE;
SELECT listguard.drop_application('pr_webapp');
SELECT listguard.add_application('pr_webapp', :'webapp_pub', require_principal => true) IS NOT NULL AS required_again;
REVOKE pr_exporters FROM pr_webapp;
SELECT count(listguard.revoke_access(id)) AS revoked FROM listguard.grants
WHERE grantee IN ('pr_exporters'::regrole, 'pr_jobs'::regrole);
REVOKE ALL ON pr_subs FROM pr_jobs, pr_jobs2;
DROP ROLE pr_jobs, pr_jobs2, pr_exporters;
