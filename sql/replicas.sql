-- The primary's side of hot standbys, attacked by the roles that could
-- reach it: a role outside listguard_standby, a CREATEROLE role trying to
-- join it, and a member of it (the standby link's login) trying to inflate
-- a budget, forge events as the primary's own, or feed malformed events.
CREATE ROLE rp_reader;
CREATE ROLE rp_link IN ROLE listguard_standby;
CREATE ROLE rp_outsider;
CREATE ROLE rp_creator CREATEROLE;
CREATE TABLE rp_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL);
SELECT listguard.protect('rp_subs', 'account_id', 'list_id');
INSERT INTO rp_subs SELECT g, 1, 10, 'person' || g || '@example.com' FROM generate_series(1, 20) g;
GRANT SELECT ON rp_subs TO rp_reader;
SELECT listguard.grant_access('rp_reader', 1, reveal => 'clear', quota => '10/day') AS grant_id \gset

-- Nobody outside listguard_standby may lease, return, read the windows or
-- append events.
SET ROLE rp_outsider;
SELECT lgtest.try(format('SELECT * FROM listguard._lease_quota(%s, 5)', :grant_id)) AS outsider_lease;
SELECT lgtest.try(format('SELECT listguard._return_quota(%s, 1, 5)', :grant_id)) AS outsider_return;
SELECT lgtest.try('SELECT * FROM listguard._quota_windows()') AS outsider_windows;
SELECT lgtest.try($$SELECT listguard._append_standby_events('x', '\x00')$$) AS outsider_append;
RESET ROLE;

-- A CREATEROLE role cannot make itself (or a role it made) a standby link.
SET ROLE rp_creator;
SELECT lgtest.try('GRANT listguard_standby TO rp_creator') AS creator_joins;
SELECT lgtest.try('CREATE ROLE rp_fake IN ROLE listguard_standby') AS creator_makes_member;
RESET ROLE;

-- A lease is counted at once; what the standby gives back returns.
SET ROLE rp_link;
SELECT granted, window_used FROM listguard._lease_quota(:grant_id, 4);
RESET ROLE;
SELECT used, remaining FROM listguard.quota_usage WHERE grant_id = :grant_id;
SET ROLE rp_link;
SELECT window_start AS leased_window FROM listguard._quota_windows() WHERE grant_id = :grant_id \gset
SELECT listguard._return_quota(:grant_id, :leased_window, 3);
RESET ROLE;
SELECT used AS after_return FROM listguard.quota_usage WHERE grant_id = :grant_id;
-- Never more than was leased: a link cannot hand back units it never had
-- and so raise the budget of a reader, nor undo the reader's own reveals.
SET ROLE rp_reader;
SELECT count(email::text) FROM rp_subs WHERE id <= 5;
RESET ROLE;
SELECT used AS after_reads FROM listguard.quota_usage WHERE grant_id = :grant_id;
SET ROLE rp_link;
SELECT listguard._return_quota(:grant_id, :leased_window, 1000);
SELECT listguard._return_quota(:grant_id, 1, 1000);
RESET ROLE;
SELECT used AS after_inflation_attempt FROM listguard.quota_usage WHERE grant_id = :grant_id;
-- A lease never exceeds the limit, and a grant without a quota leases
-- nothing.
SET ROLE rp_link;
SELECT granted FROM listguard._lease_quota(:grant_id, 1000000);
SELECT granted FROM listguard._lease_quota(:grant_id, 1);
SELECT granted, window_start FROM listguard._lease_quota(999999, 5);
RESET ROLE;
SELECT used, remaining FROM listguard.quota_usage WHERE grant_id = :grant_id;

-- Events: a standby's need its name (they could not pass as the primary's
-- own), and bytes that are no shipment of this build are refused with a
-- clear error, nothing appended.
SET ROLE rp_link;
SELECT lgtest.try($$SELECT listguard._append_standby_events('', '\x3153474c')$$) AS no_origin;
SELECT lgtest.try($$SELECT listguard._append_standby_events('standby9', '\x00')$$) AS too_short;
SELECT regexp_replace(lgtest.try($$SELECT listguard._append_standby_events('standby9', '\x3153474c0100000041')$$),
                      'this server''s are [0-9]+', 'this server''s are <n>') AS wrong_format;
-- A shipment of the right size whose fields run past their ends (no NUL
-- anywhere) is cut to the fields, and then refused: its detail is no JSON.
SELECT regexp_replace(lgtest.try($$SELECT listguard._append_standby_events('standby9', '\x3153474c0100000041')$$),
                      '.*this server''s are ([0-9]+) bytes.*', '\1')::int AS event_size \gset
SELECT string_agg(substr(encode(int4send(:event_size), 'hex'), i, 2), '' ORDER BY i DESC) AS size_le
FROM generate_series(1, 7, 2) i \gset
SELECT lgtest.try(format($$SELECT listguard._append_standby_events('standby9', %L::bytea)$$,
                         '\x3153474c' || :'size_le' || repeat('41', :event_size))) AS unterminated;
RESET ROLE;
SELECT count(*) AS events_appended_by_link FROM listguard.audit_log WHERE origin IS NOT NULL;
SELECT ok FROM listguard.verify_audit();
