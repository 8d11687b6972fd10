-- Break-glass access: a support engineer asks, a lead approves, the grant
-- lasts as long as asked; nobody approves their own request in any
-- disguise; under the two-person rule an admin's dangerous grant waits for
-- a second person.
CREATE ROLE rq_engineer;                       -- asks
CREATE ROLE rq_lead IN ROLE listguard_approver;  -- approves
CREATE ROLE rq_lead2 IN ROLE listguard_approver; -- a second approver
CREATE ROLE rq_outsider;                       -- neither
CREATE ROLE rq_admin2 IN ROLE listguard_admin; -- a second admin
CREATE TABLE rq_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
INSERT INTO rq_subs SELECT g, 1, 10, 'subscriber' || g || '@example.com' FROM generate_series(1, 5) g;
SELECT listguard.protect('rq_subs', 'account_id', 'list_id');
GRANT SELECT ON rq_subs TO rq_engineer;
SELECT listguard.grant_access('rq_engineer', 1, reveal => 'masked') AS g_masked \gset
CREATE FUNCTION lgtest.clear_rows(who name) RETURNS text LANGUAGE sql AS $$
    SELECT lgtest.as_role(who, 'SELECT count(*) FILTER (WHERE email::text NOT LIKE ''%***%'') FROM rq_subs')
$$;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Asking: for oneself, with a reason, within the longest duration.
SET ROLE rq_engineer;
SELECT lgtest.try($$SELECT listguard.request_access(1, 10, reason => '')$$) AS no_reason;
SELECT lgtest.try($$SELECT listguard.request_access(1, 10, duration => '9 hours', reason => 'ticket 42')$$) AS too_long;
SELECT lgtest.try($$SELECT listguard.request_access(1, 10, reveal => 'everything', reason => 'ticket 42')$$) AS bad_reveal;
SELECT listguard.request_access(1, 10, duration => '1 hour', reason => 'ticket 42: bounce investigation') AS r1 \gset
SELECT lgtest.clear_rows('rq_engineer') AS clear_before_approval;
RESET ROLE;

-- What each role sees of the requests.
SELECT lgtest.as_role('rq_engineer', 'SELECT requester || '' '' || state || '' '' || reason FROM listguard.access_requests') AS own;
SELECT lgtest.as_role('rq_outsider', 'SELECT count(*) FROM listguard.access_requests') AS outsider_sees;
SELECT lgtest.as_role('rq_lead', 'SELECT requester || '' '' || state FROM listguard.access_requests') AS approver_sees;

-- Nobody approves their own request: not as the requester, not by SET
-- ROLE from the requester's session, not through a group shared either
-- way, not through a NOINHERIT membership, not inside a SECURITY DEFINER
-- function of the requester's. And only approvers approve.
SELECT lgtest.as_role('rq_engineer', format('SELECT listguard.approve(%s)', :r1)) AS as_requester;
GRANT rq_lead TO rq_engineer;
SET SESSION AUTHORIZATION rq_engineer;
SET ROLE rq_lead;
SELECT lgtest.try(format('SELECT listguard.approve(%s)', :r1)) AS set_role_from_requester_session;
RESET SESSION AUTHORIZATION;
REVOKE rq_lead FROM rq_engineer;
CREATE ROLE rq_team IN ROLE listguard_approver;
GRANT rq_team TO rq_engineer;                -- the requester is in the approving group
SELECT lgtest.as_role('rq_team', format('SELECT listguard.approve(%s)', :r1)) AS group_of_requester;
REVOKE rq_team FROM rq_engineer;
GRANT rq_engineer TO rq_lead2;               -- the approver is in the requester's group
SELECT lgtest.as_role('rq_lead2', format('SELECT listguard.approve(%s)', :r1)) AS member_of_requester;
REVOKE rq_engineer FROM rq_lead2;
CREATE ROLE rq_noinherit NOINHERIT IN ROLE listguard_approver;
GRANT rq_noinherit TO rq_engineer;           -- a membership that inherits nothing still counts
SELECT lgtest.as_role('rq_noinherit', format('SELECT listguard.approve(%s)', :r1)) AS noinherit_member;
REVOKE rq_noinherit FROM rq_engineer;
GRANT CREATE ON SCHEMA public TO rq_engineer;
SET ROLE rq_engineer;
CREATE FUNCTION public.rq_helpful(id bigint) RETURNS void LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog AS 'SELECT listguard.approve(id)';
GRANT EXECUTE ON FUNCTION public.rq_helpful(bigint) TO rq_lead;
RESET ROLE;
SELECT lgtest.as_role('rq_lead', format('SELECT public.rq_helpful(%s)', :r1)) AS security_definer_of_requester;
SELECT lgtest.as_role('rq_outsider', format('SELECT listguard.approve(%s)', :r1)) AS not_an_approver;
SELECT state, approvals FROM listguard.access_requests WHERE request_id = :r1;

-- A lead approves: the grant lasts the duration, with the request quota,
-- and explain_access shows the request.
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.approve(%s, ''ok, ticket checked'')', :r1)) AS approved;
SELECT state, decided_by, grant_id IS NOT NULL AS has_grant FROM listguard.access_requests WHERE request_id = :r1;
SELECT reveal, quota, valid_until BETWEEN now() + interval '59 minutes' AND now() + interval '61 minutes' AS one_hour,
       request_id = :r1 AS linked
FROM listguard.explain_access('rq_engineer') WHERE request_id IS NOT NULL;
SELECT lgtest.clear_rows('rq_engineer') AS clear_after_approval;
SELECT lgtest.as_role('rq_lead2', format('SELECT listguard.approve(%s)', :r1)) AS approve_again;
SELECT listguard.revoke_access(grant_id) FROM listguard.access_requests WHERE request_id = :r1;

-- The grant ends with its duration, at the next statement.
SET ROLE rq_engineer;
SELECT listguard.request_access(1, 10, duration => '2 seconds', reason => 'a quick look') AS r2 \gset
RESET ROLE;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.approve(%s)', :r2)) AS approved_short;
SELECT lgtest.clear_rows('rq_engineer') AS clear_within_duration;
SELECT pg_sleep(2.2);
SELECT lgtest.clear_rows('rq_engineer') AS clear_after_duration;

-- A request waits for its time to live, then expires: no approval after.
SET listguard.request_ttl = '1s';
SET ROLE rq_engineer;
SELECT listguard.request_access(1, 10, reason => 'late') AS r3 \gset
RESET ROLE;
RESET listguard.request_ttl;
SELECT pg_sleep(1.2);
SELECT state FROM listguard.access_requests WHERE request_id = :r3;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.approve(%s)', :r3)) AS approve_expired;

-- Two approvals needed: the same approver twice counts once.
SET listguard.required_approvals = 2;
SET ROLE rq_engineer;
SELECT listguard.request_access(1, 10, reason => 'needs two') AS r4 \gset
RESET ROLE;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.approve(%s)', :r4)) AS first;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.approve(%s)', :r4)) AS same_again;
-- One session user approving as two roles is one person.
SELECT lgtest.as_role('rq_lead2', format('SELECT listguard.approve(%s)', :r4)) AS same_session_other_role;
SELECT state, approvals FROM listguard.access_requests WHERE request_id = :r4;
-- The second approver, in a session of its own.
SET SESSION AUTHORIZATION rq_lead2;
SELECT lgtest.try(format('SELECT listguard.approve(%s)', :r4)) AS second;
RESET SESSION AUTHORIZATION;
SELECT state, approvals FROM listguard.access_requests WHERE request_id = :r4;
RESET listguard.required_approvals;
SELECT listguard.revoke_access(grant_id) FROM listguard.access_requests WHERE request_id = :r4;

-- Deny, and cancel (by the requester only).
SET ROLE rq_engineer;
SELECT listguard.request_access(1, 10, reason => 'deny me') AS r5 \gset
SELECT listguard.request_access(1, 10, reason => 'cancel me') AS r6 \gset
RESET ROLE;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.deny(%s, ''no ticket'')', :r5)) AS denied;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.cancel(%s)', :r6)) AS cancel_by_other;
SELECT lgtest.as_role('rq_engineer', format('SELECT listguard.cancel(%s)', :r6)) AS cancelled;
SELECT lgtest.as_role('rq_lead', format('SELECT listguard.approve(%s)', :r5)) AS approve_denied;
SELECT request_id - :r1 AS n, state FROM listguard.access_requests ORDER BY request_id;

-- The two-person rule: an admin's grant of clear or sealed access, or of
-- writing, waits for another admin or an approver; masked access does not.
-- Superusers are not exempt.
SET listguard.two_person_rule = on;
SELECT listguard.grant_access('rq_outsider', 1, reveal => 'masked') > 0 AS masked_granted_at_once;
SELECT listguard.grant_access('rq_outsider', 1, reveal => 'clear', reason => 'audit') AS p_clear \gset
SELECT listguard.grant_access('rq_outsider', 1, reveal => 'sealed') AS p_sealed \gset
SELECT listguard.grant_access('rq_outsider', 1, reveal => 'masked', can_write => true) AS p_write \gset
SELECT kind, reveal, can_write, state FROM listguard.access_requests WHERE request_id IN (:p_clear, :p_sealed, :p_write)
ORDER BY request_id;
SELECT count(*) AS outsider_grants FROM listguard.grants WHERE grantee = 'rq_outsider'::regrole;
-- The admin who asked cannot approve it; the grantee cannot either;
-- another admin or an approver, in a session of its own, can.
SELECT split_part(lgtest.try(format('SELECT listguard.approve(%s)', :p_clear)), ' may not', 1) ~ '^42501 role ' AS self_refused;
SELECT lgtest.as_role('rq_outsider', format('SELECT listguard.approve(%s)', :p_clear)) AS grantee_approves;
SET SESSION AUTHORIZATION rq_admin2;
SELECT lgtest.try(format('SELECT listguard.approve(%s)', :p_clear)) AS other_admin;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION rq_lead;
SELECT lgtest.try(format('SELECT listguard.approve(%s)', :p_write)) AS approver;
RESET SESSION AUTHORIZATION;
SELECT reveal, can_write, reason, request_id IS NOT NULL AS from_request FROM listguard.grants
WHERE grantee = 'rq_outsider'::regrole ORDER BY id;
RESET listguard.two_person_rule;
SELECT lgtest.as_role('rq_outsider', 'SELECT current_setting(''listguard.two_person_rule'')') AS visible;
SET ROLE rq_outsider;
SELECT lgtest.try($$SET listguard.two_person_rule = off$$) AS only_superusers_set_it;
RESET ROLE;

-- Every step is in the audit trail, refusals included, with ids and roles,
-- never the reason's text.
SELECT lgtest.audit_settle() AS settled;
SELECT detail ->> 'action' AS action, count(*) FROM listguard.audit_log
WHERE id > :mark AND kind = 'access_request' GROUP BY 1 ORDER BY 1;
SELECT count(*) AS reasons_in_audit FROM listguard.audit_log
WHERE id > :mark AND (detail::text LIKE '%ticket 42%' OR detail::text LIKE '%bounce%');

-- A duration is a length of time, whatever the calendar or the
-- requester's time zone: '1 mon' is the 30 days the longest duration is
-- compared with, '1 day' 24 hours. (now() + '1 mon' made the 31 days of
-- some months, and a day with a clock change in the session's time zone 23
-- or 25 hours.) Approved, the grant lasts exactly that.
SET listguard.max_request_duration = '30d';
SET TimeZone = 'America/New_York';
SET ROLE rq_engineer;
SELECT listguard.request_access(1, 10, duration => '1 mon', reason => 'ticket 44') AS r_month \gset
SELECT listguard.request_access(1, 10, duration => '1 day 1 hour', reason => 'ticket 45') AS r_day \gset
SELECT lgtest.try($$SELECT listguard.request_access(1, 10, duration => '1 mon 1 second', reason => 'ticket 46')$$)
    AS longer_than_30_days;
RESET ROLE;
SELECT id = :r_month AS month, duration, extract(epoch FROM duration) / 3600 AS hours FROM listguard.requests
WHERE id IN (:r_month, :r_day) ORDER BY id;
SET SESSION AUTHORIZATION rq_lead;
SELECT listguard.approve(:r_month);
RESET SESSION AUTHORIZATION;
SELECT extract(epoch FROM g.valid_until - a.approved_at) / 86400 AS days_granted
FROM listguard.grants g JOIN listguard.request_approvals a ON a.request_id = g.request_id WHERE g.request_id = :r_month;
RESET TimeZone;
RESET listguard.max_request_duration;

SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee IN ('rq_outsider'::regrole, 'rq_engineer'::regrole);
DROP FUNCTION public.rq_helpful(bigint), lgtest.clear_rows(name);
REVOKE CREATE ON SCHEMA public FROM rq_engineer;
DROP TABLE rq_subs;
DROP ROLE rq_engineer, rq_lead, rq_lead2, rq_outsider, rq_admin2, rq_team, rq_noinherit;
