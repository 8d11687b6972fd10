-- Attacks on principals, written as the attacker: SQL injected into the web
-- app, so any SQL as its role (pr_webapp, registered with
-- require_principal), holding only the assertions the app makes for the
-- attacker's own user (acme:mallory, pseudonyms of list 10). The victim,
-- acme:vic, reads list 10 in clear. Nothing here may show the attacker one
-- clear address, or let it act for vic. Runs after principals.
SELECT listguard.create_principal('acme:mallory', 1) > 0 AS mallory;
SELECT listguard.create_principal('acme:vic', 1) > 0 AS vic;
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'pseudonym', principal => 'acme:mallory') IS NOT NULL AS mallory_10;
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '2/day', principal => 'acme:vic') IS NOT NULL AS vic_10;
-- A reporting role the web app may SET ROLE to (NOINHERIT), with clear grants.
CREATE ROLE pa_reports NOINHERIT;
GRANT SELECT ON pr_subs TO pa_reports;
SELECT listguard.grant_access('pa_reports', 1, reveal => 'clear') IS NOT NULL AS reports_1;
GRANT pa_reports TO pr_webapp;
-- The attacker's way in: a session whose login is the web app's role.
CREATE FUNCTION pa_clear_rows() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pr_subs WHERE email::text NOT LIKE '%***%' AND email::text NOT LIKE 'p.%'
$$;
-- The audit trail so far, to count what the attacks add.
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS events_before FROM listguard.audit_log \gset

SET SESSION AUTHORIZATION pr_webapp;
SELECT session_user, current_user;
-- Without a principal: masks only, whatever role the session sets.
SELECT pa_clear_rows() AS clear_without_principal;
SET ROLE pa_reports;
SELECT pa_clear_rows() AS clear_as_reports;
RESET ROLE;

-- 1. Forged assertions: each refused with its own SQLSTATE, nothing in force.
SELECT lgtest.try($$SELECT listguard.act_as('')$$) AS empty;
SELECT lgtest.try($$SELECT listguard.act_as(NULL)$$) AS null_assertion;
SELECT lgtest.try($$SELECT listguard.act_as('not.a.jwt')$$) AS garbage;
SELECT lgtest.try($$SELECT listguard.act_as('eyJhbGciOiJFZERTQSJ9.e30=.AAAA')$$) AS padded;
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', repeat('A', 5000) || '.e30.AAAA')) AS huge;
SELECT lgtest.try($$SELECT listguard.act_as('W10.e30.AAAA')$$) AS header_array;
\set tok `test/principals/assert webapp acme:vic alg=none`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS alg_none;
\set tok `test/principals/assert webapp acme:vic hs256=1 alg=HS256`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS hs256_with_public_key;
\set tok `test/principals/assert webapp acme:mallory tamper=1`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS mallory_edited_to_bob;
\set tok `test/principals/assert other acme:vic`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS unregistered_key;
\set tok `test/principals/assert adminapp acme:vic`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS other_applications_key;
\set tok `test/principals/assert adminapp acme:vic kid=2hg8lraRGprC-JXd2QtkKRKfK-_BuPfo8dvrfyqAWUU`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS other_applications_kid;
\set tok `test/principals/assert webapp acme:vic kid=oeGl5bezVvLnnhfCOy14m0qUAa0DVIJohLp2xDvTqP4 signer=adminapp`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS own_kid_other_signer;
\set tok `test/principals/assert webapp acme:mallory crit=1`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS crit;
\set tok `test/principals/assert webapp acme:mallory b64=1`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS b64;
\set tok `test/principals/assert webapp acme:mallory typ=at+jwt`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS typ;
\set tok `test/principals/assert webapp acme:mallory dup=1`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS sub_twice;
SELECT listguard.current_principal() IS NULL AS still_nobody;

-- 2. Claims: audience, time, lifetime, types. Signed by the web app (an
-- attacker who got the app to sign odd claims); all refused.
\set tok `test/principals/assert webapp acme:mallory aud=another_database`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS other_audience;
\set tok `test/principals/assert webapp acme:mallory aud=x,y`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS audience_array_without;
\set tok `test/principals/assert webapp acme:mallory iat=-400 exp=-100`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS expired;
\set tok `test/principals/assert webapp acme:mallory exp=400`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS longer_than_5_minutes;
\set tok `test/principals/assert webapp acme:mallory iat=-10 exp=-20`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS exp_before_iat;
\set tok `test/principals/assert webapp acme:mallory iat=60 exp=120`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS issued_in_the_future;
\set tok `test/principals/assert webapp acme:mallory nbf=60`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS not_before;
\set tok `test/principals/assert webapp acme:mallory jti=-`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS no_jti;
\set tok `test/principals/assert webapp - `
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS no_sub;
\set tok `test/principals/assert webapp acme:mallory exp=-`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS no_exp;
\set tok `test/principals/assert webapp acme:mallory iat_string=1`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS iat_as_string;
\set tok `test/principals/assert webapp acme:nobody`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS unknown_principal;
SELECT listguard.current_principal() IS NULL AS still_nobody;

-- 3. Settings, functions and tables of its own: none reaches the principal.
SELECT lgtest.try($$SET listguard.principal = 'acme:vic'$$) AS set_principal;
SELECT lgtest.try($$SELECT set_config('listguard.principal', 'acme:vic', false)$$) AS set_config_principal;
SELECT lgtest.try($$SET listguard.audience = 'another_database'$$) AS set_audience;
SELECT lgtest.try($$SET listguard.missing_principal = 'mask'$$) AS set_missing;
SELECT lgtest.try($$SELECT set_config('listguard.assertion_leeway', '60', false)$$) AS set_leeway;
SELECT lgtest.try($$CREATE FUNCTION listguard.current_principal(x int) RETURNS text LANGUAGE sql AS 'SELECT ''acme:vic'''$$) AS own_function;
SELECT lgtest.try($$INSERT INTO listguard.application_users (name, created_by) VALUES ('acme:eve', 'pr_webapp')$$) AS own_principal;
SELECT lgtest.try($$UPDATE listguard.grants SET reveal = 'clear' WHERE principal IS NOT NULL$$) AS own_grant;
SELECT lgtest.try($$DELETE FROM listguard.application_keys$$) AS drop_keys;
SELECT lgtest.try($$SELECT listguard._add_application('pr_webapp', 'x', false, true)$$) AS own_key;
SELECT lgtest.try($$SELECT listguard._make_grant(NULL, 1, 10, 'clear', false, NULL, NULL, NULL, NULL, 'error', NULL, NULL, false, false, 'acme:mallory')$$) AS own_grant_function;
SELECT lgtest.try($$SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', principal => 'acme:mallory')$$) AS grant_itself;
SELECT listguard.current_principal() IS NULL AS still_nobody, pa_clear_rows() AS clear_rows;

-- 4. Replay: an assertion is used once, whatever happens to its transaction,
-- its savepoint, or its session.
\set tok_m1 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m1') AS acting_for;
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok_m1')) AS same_transaction;
ROLLBACK;
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok_m1')) AS after_rollback;
\set tok_m2 `test/principals/assert webapp acme:mallory`
BEGIN;
SAVEPOINT s;
SELECT listguard.act_as(:'tok_m2') AS acting_for;
ROLLBACK TO SAVEPOINT s;
SELECT listguard.current_principal() IS NULL AS gone_with_savepoint, pa_clear_rows() AS clear_rows;
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok_m2')) AS after_savepoint;
COMMIT;
\set tok_m3 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m3') AS acting_for;
SELECT 1 / 0;
ROLLBACK;
RESET SESSION AUTHORIZATION;
\c
SET SESSION AUTHORIZATION pr_webapp;
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok_m3')) AS in_another_session;

-- 5. Acting for its own user, it sees that user's rights only: pseudonyms
-- of list 10, nothing of list 11, whatever role it sets; and not one value
-- above the application's ceiling.
\set tok_m4 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m4') AS acting_for;
SELECT id, lgtest.shape(email::text) AS email FROM pr_subs ORDER BY id;
SET LOCAL ROLE pa_reports;
SELECT current_user, pa_clear_rows() AS clear_as_reports;
RESET ROLE;
-- Writing needs both grants to write: mallory's does not, so no row is
-- updated, and no value copied into another list.
WITH moved AS (UPDATE pr_subs SET list_id = 11 WHERE id = 1 RETURNING 1) SELECT count(*) AS moved FROM moved;
SELECT lgtest.try($$INSERT INTO pr_subs SELECT 99, 1, 11, email FROM pr_subs WHERE id = 1$$) AS copy;
-- Ending the principal gives masks, not the application's grant.
SELECT listguard.end_principal();
SELECT pa_clear_rows() AS clear_after_end;
COMMIT;

-- 6. Prepared statements and cursors run with the principal in force when
-- they run, not when they were made.
\set tok_m5 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m5') AS acting_for;
PREPARE pa_read AS SELECT id, lgtest.shape(email::text) AS email FROM pr_subs WHERE id = 2;
DECLARE pa_held CURSOR WITH HOLD FOR SELECT id, email FROM pr_subs WHERE id IN (1, 2) ORDER BY id;
EXECUTE pa_read;
COMMIT;
EXECUTE pa_read;
FETCH ALL FROM pa_held;
CLOSE pa_held;
DEALLOCATE pa_read;
\set tok_m6 `test/principals/assert webapp acme:mallory`
BEGIN;
DECLARE pa_early CURSOR FOR SELECT id, lgtest.shape(email::text) AS email FROM pr_subs WHERE id IN (3, 4) ORDER BY id;
SELECT listguard.act_as(:'tok_m6') AS acting_for;
FETCH ALL FROM pa_early;
COMMIT;

-- 7. Outside a transaction block the principal lasts one statement.
\set tok_m7 `test/principals/assert webapp acme:mallory`
SELECT listguard.act_as(:'tok_m7') AS acting_for;
SELECT listguard.current_principal() IS NULL AS ended;

-- 8. Parallel workers run with their leader's principal (and so do their
-- charges): forced parallel, mallory's rights hold in the workers, and in
-- the app's own transaction for vic, the workers charge vic's quota.
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
\set tok_m8 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m8') AS acting_for;
EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE email::text LIKE 'p.%') AS pseudonyms, count(*) AS total FROM pr_subs;
SELECT count(*) FILTER (WHERE email::text LIKE 'p.%') AS pseudonyms, count(*) AS total FROM pr_subs;
COMMIT;
SELECT count(*) FILTER (WHERE email::text LIKE '%***%') AS masked_without, count(*) AS total FROM pr_subs;
\set tok_v1 `test/principals/assert webapp acme:vic`
BEGIN;
SELECT listguard.act_as(:'tok_v1') AS acting_for;
SELECT pr_try($$SELECT string_agg(email::text, ',') FROM pr_subs WHERE list_id = 10$$) AS over_vic_quota;
COMMIT;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET SESSION AUTHORIZATION;

-- 9. Refused instead of masked (listguard.missing_principal = refuse).
SET listguard.missing_principal = refuse;
SET ROLE pr_webapp;
SELECT lgtest.try($$SELECT count(*) FROM pr_subs$$) AS refused;
SELECT lgtest.try($$SELECT listguard.can_read(1, 10)$$) AS policy_refused;
RESET ROLE;
RESET listguard.missing_principal;
-- A role that is no application cannot act for anyone.
SET ROLE pr_plain;
\set tok `test/principals/assert webapp acme:vic`
SELECT lgtest.try(format('SELECT listguard.act_as(%L)', :'tok')) AS not_an_application;
RESET ROLE;

-- 10. Switching principals, SECURITY DEFINER code, SET ROLE and COPY.
-- Quinn reads list 10 in clear with no quota of her own (the app's own
-- transactions for her); a reporting function runs as pa_reports.
SELECT listguard.create_principal('acme:quinn', 1) > 0 AS quinn;
SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', principal => 'acme:quinn') IS NOT NULL AS quinn_10;
CREATE FUNCTION pa_reports_export() RETURNS TABLE (id int, email text)
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT s.id, s.email::text FROM public.pr_subs s WHERE s.account_id = 1 AND s.id < 90 ORDER BY s.id
$$;
ALTER FUNCTION pa_reports_export() OWNER TO pa_reports;
-- (The web app no longer receives pa_reports' grants: its own grant of
-- account 1, with its quota, is its ceiling there again.)
REVOKE pa_reports FROM pr_webapp;
SET SESSION AUTHORIZATION pr_webapp;
-- A later act_as() replaces the principal (no union of both); a rolled-back
-- savepoint brings back the one the transaction had.
\set tok_q1 `test/principals/assert webapp acme:quinn`
\set tok_m9 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_q1') AS acting_for;
SAVEPOINT s;
SELECT listguard.act_as(:'tok_m9') AS acting_for;
SELECT listguard.current_principal(), pa_clear_rows() AS clear_rows;
ROLLBACK TO SAVEPOINT s;
SELECT listguard.current_principal() AS back_to;
COMMIT;
-- A SECURITY DEFINER function of a clear-granted role: masks without a
-- principal (the session's application requires one), the principal's
-- rights with one.
SELECT id, lgtest.shape(email) AS email FROM pa_reports_export();
\set tok_m10 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m10') AS acting_for;
SELECT id, lgtest.shape(email) AS email FROM pa_reports_export();
COMMIT;
-- The application's quota holds whatever role its code runs as: acting for
-- Quinn through pa_reports' function (pa_reports has no quota), each clear
-- value is charged to pr_webapp's grant too.
SELECT used AS webapp_used FROM listguard.quota_usage WHERE role = 'pr_webapp'::regrole AND account = 1 \gset
\set tok_q2 `test/principals/assert webapp acme:quinn`
BEGIN;
SELECT listguard.act_as(:'tok_q2') AS acting_for;
SELECT count(*) FILTER (WHERE email NOT LIKE '%***%') AS clear_through_function FROM pa_reports_export();
COMMIT;
SELECT used - :webapp_used AS charged_to_webapp FROM listguard.quota_usage
WHERE role = 'pr_webapp'::regrole AND account = 1;
-- COPY FROM is checked against the principal's grants too: Mallory's do
-- not write, though the application's do.
\set tok_m11 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m11') AS acting_for;
COPY pr_subs (id, account_id, list_id, email) FROM STDIN;
97	1	10	copied.in@example.com
\.
ROLLBACK;
-- A table of its own (a temporary one, left on the pooled backend for the
-- next client) holds values, which stay protected: copied while acting
-- for Quinn, read back without a principal they are masks, and as
-- Mallory pseudonyms.
\set tok_q3 `test/principals/assert webapp acme:quinn`
BEGIN;
SELECT listguard.act_as(:'tok_q3') AS acting_for;
CREATE TEMP TABLE pa_loot AS SELECT id, email FROM pr_subs WHERE list_id = 10 AND id < 90;
COMMIT;
SELECT count(*) FILTER (WHERE email::text LIKE '%***%') AS masked, count(*) AS total FROM pa_loot;
\set tok_m12 `test/principals/assert webapp acme:mallory`
BEGIN;
SELECT listguard.act_as(:'tok_m12') AS acting_for;
SELECT count(*) FILTER (WHERE email::text LIKE 'p.%') AS pseudonyms, count(*) AS total FROM pa_loot;
COMMIT;
DROP TABLE pa_loot;
RESET SESSION AUTHORIZATION;
DROP FUNCTION pa_reports_export();

-- Every refusal is in the audit trail as denied, with its reason; none
-- quotes the assertion.
SELECT lgtest.audit_settle() AS settled;
SELECT detail ->> 'reason' AS reason, count(*)
FROM listguard.audit_log WHERE kind = 'denied' AND detail ->> 'action' = 'act_as' AND id > :events_before
GROUP BY 1 ORDER BY 1;
SELECT count(*) AS denied_principal_required FROM listguard.audit_log
WHERE kind = 'denied' AND detail ->> 'reason' = 'principal required';
-- (A compact JWS: two base64url parts of JSON, joined by a dot. Other
-- events' base64, sealed canary records say, may hold "eyJ" by chance.)
SELECT count(*) AS events_quoting_an_assertion FROM listguard.audit_log
WHERE detail::text ~ 'eyJ[A-Za-z0-9_-]*\.eyJ';
SELECT detail ->> 'principal' AS principal, count(*) FROM listguard.audit_log
WHERE kind = 'quota_exceeded' AND detail ->> 'principal' = 'acme:vic' GROUP BY 1;
SELECT listguard._remembered_assertions() > 0 AS remembered;

-- Cleaning up. A registered application's role cannot be dropped (a new
-- role could get its id, and its keys), even without grants.
SELECT listguard.revoke_access(g.id) FROM listguard.grants g
WHERE g.grantee IN ('pr_webapp'::regrole, 'pr_adminapp'::regrole, 'pr_plain'::regrole, 'pa_reports'::regrole);
SELECT lgtest.try($$DROP ROLE pr_webapp$$) AS drop_application_role;
SELECT listguard.drop_application(a.role) FROM listguard.applications a WHERE a.role::text LIKE 'pr\_%';
SELECT listguard.drop_principal(p.name) FROM listguard.principals p;
DROP TABLE pr_subs;
DROP FUNCTION pr_try(text), pa_clear_rows();
DROP ROLE pr_webapp, pr_adminapp, pr_plain, pr_admin, pr_admin2, pa_reports;
