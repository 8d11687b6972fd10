-- Grants: who may manage them, what they accept, what they refuse, and how
-- they flow through roles.
CREATE ROLE acc_admin;          -- a listguard admin who is not a superuser
GRANT listguard_admin TO acc_admin;
CREATE ROLE acc_plain;          -- nobody special
CREATE ROLE acc_group NOLOGIN;  -- a group that receives grants
CREATE ROLE acc_member IN ROLE acc_group;
CREATE ROLE acc_noinherit NOINHERIT IN ROLE acc_group;
CREATE TABLE acc_subscribers (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                              email listguard.email NOT NULL);
SELECT listguard.protect('acc_subscribers', 'account_id', 'list_id');
INSERT INTO acc_subscribers VALUES (1, 1, 10, 'Ana.Silva@example.com'), (2, 1, 11, 'bob@example.net'),
                                   (3, 2, 20, 'chen@example.org');
GRANT SELECT ON acc_subscribers TO acc_admin, acc_plain, acc_group, acc_member, acc_noinherit;

-- Administration is for superusers and listguard_admin members only.
SET ROLE acc_plain;
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, reveal => 'clear')$$);
SELECT lgtest.try($$SELECT listguard.revoke_access(1)$$);
SELECT lgtest.try($$SELECT listguard.protect('acc_subscribers', 'account_id')$$);
SELECT lgtest.try($$SELECT listguard.unprotect('acc_subscribers')$$);
SELECT lgtest.try($$SELECT * FROM listguard.explain_access('acc_plain')$$);
-- Nor can grants be written directly, or the implementations called.
SELECT lgtest.try($$INSERT INTO listguard.grants (grantee, reveal, granted_by) VALUES ('acc_plain', 'clear', 'acc_plain')$$);
SELECT lgtest.try($$SELECT listguard._grant_access('acc_plain', NULL, NULL, 'clear', false, NULL, NULL, NULL, NULL, 'error', false, NULL)$$);
RESET ROLE;

-- An admin who is not a superuser manages grants ...
SET ROLE acc_admin;
SELECT listguard.grant_access('acc_group', 1, reveal => 'clear', reason => 'campaign review') AS group_grant \gset
SELECT listguard.grant_access('acc_plain', 1, 10, reveal => 'pseudonym', quota => '500/day') AS plain_grant \gset
-- ... but is not exempt from masking: seeing clear addresses needs a grant.
SELECT id, email FROM acc_subscribers ORDER BY id;
RESET ROLE;
SELECT grantee, account, list, reveal, can_write, quota, quota_limit, quota_window, reason, granted_by
FROM listguard.grants ORDER BY id;

-- Bad arguments: 22023 with a reason, and nothing changes.
SELECT count(*) AS grants_before FROM listguard.grants;
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, reveal => 'everything')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', -1)$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 0)$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, -5)$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', NULL, 5)$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, quota => 'lots')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, quota => '10/fortnight')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, quota => '0/day')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, valid_until => now() - interval '1 minute')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, from_networks => '{}')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('acc_plain', 1, can_write => NULL)$$);
SELECT lgtest.try($$SELECT listguard.grant_access(NULL, 1)$$);
SELECT lgtest.try($$SELECT listguard.grant_access('no_such_role', 1)$$);
SELECT lgtest.try($$SELECT listguard.revoke_access(999999)$$);
SELECT count(*) AS grants_after FROM listguard.grants;

-- Group grants reach members, as privileges do; NOINHERIT stops them.
SELECT r.role, lgtest.shape(lgtest.as_role(r.role, 'SELECT email FROM acc_subscribers ORDER BY id')) AS sees
FROM (VALUES ('acc_group'), ('acc_member'), ('acc_noinherit'), ('acc_plain'), ('acc_admin')) r(role);

-- The entitlement review: every grant a role can use, and where it comes from.
SELECT account, list, reveal, can_write, quota, valid_until, from_networks, grant_id = :group_grant AS is_group_grant,
       via_role
FROM listguard.explain_access('acc_member');
SELECT account, list, reveal, quota, via_role FROM listguard.explain_access('acc_plain');
SELECT count(*) AS noinherit_grants FROM listguard.explain_access('acc_noinherit');

-- Superusers get no shortcut: their view depends on their own grants.
SELECT id, email FROM acc_subscribers ORDER BY id;

-- Several grants: the most revealing applies (clear > sealed > pseudonym > masked).
SELECT listguard.grant_access('acc_plain', 1, reveal => 'sealed') AS plain_sealed \gset
SELECT lgtest.as_role('acc_plain', $$SELECT left(email::text, 4) FROM acc_subscribers WHERE id = 1$$) AS list10,
       lgtest.as_role('acc_plain', $$SELECT left(email::text, 4) FROM acc_subscribers WHERE id = 2$$) AS list11;
SELECT listguard.revoke_access(:plain_sealed);
SELECT lgtest.shape(lgtest.as_role('acc_plain', $$SELECT email FROM acc_subscribers ORDER BY id$$)) AS after_revoke;

-- A grant that expires: clear until valid_until, masked after it.
SELECT listguard.grant_access('acc_plain', 2, reveal => 'clear', valid_until => clock_timestamp() + interval '1 second')
       AS short_grant \gset
SELECT lgtest.as_role('acc_plain', $$SELECT email FROM acc_subscribers WHERE id = 3$$) AS before_expiry;
SELECT pg_sleep(1.2);
SELECT lgtest.as_role('acc_plain', $$SELECT email FROM acc_subscribers WHERE id = 3$$) AS after_expiry;
SELECT listguard.revoke_access(:short_grant);

-- A role with grants cannot be dropped until they are revoked.
SELECT lgtest.try('DROP ROLE acc_plain');

-- Clean up.
SELECT listguard.revoke_access(grant_id) FROM listguard.explain_access('acc_plain') WHERE via_role = 'acc_plain'::regrole;
SELECT listguard.revoke_access(:group_grant);
DROP TABLE acc_subscribers;
DROP ROLE acc_admin, acc_plain, acc_member, acc_noinherit, acc_group;
SELECT count(*) AS grants_left FROM listguard.grants;
