-- The audit log without what could hold or point at an address, for
-- monitors: no detail (it holds admins' reasons and arguments, masked key
-- values, sealed canary records), no digests (they would let events about
-- one address be linked), no links; names a role chose with addresses
-- masked, counts hidden if they hold anything like one; no transaction id or
-- backend pid (rows a canary planting transaction wrote carry its xid as
-- xmin: a monitor who reads the list would pick them out). For a refusal,
-- its reason when it is one of listguard's own. Canary events (plans,
-- plantings, hits) show their day only: a planting's moment against the
-- rows' created_at would name the canary row (test/attacks 100); in UTC,
-- or a monitor moving its TimeZone would find where the day turns.
CREATE VIEW audit_events WITH (security_barrier) AS
SELECT a.id, CASE WHEN a.kind = 'canary' THEN date_trunc('day', a.logged_at, 'UTC') ELSE a.logged_at END AS logged_at, a.kind,
       listguard._redact(a.session_user_name) AS session_user_name,
       listguard._redact(a.current_user_name) AS current_user_name,
       a.client_addr, listguard._redact(a.application_name) AS application_name,
       a.account, a.list, listguard._redact(a.relation) AS relation,
       CASE WHEN listguard._has_address(a.counts::text) THEN NULL ELSE a.counts END AS counts,
       CASE WHEN a.kind = 'denied' AND a.detail->>'reason' IN ('laundering', 'not an admin', 'not a monitor',
                 'listguard role', 'protected table', 'email column to another type', 'dump with masks',
                 'logical replication without a sealed grant', 'object over listguard.email', 'row security')
            THEN a.detail->>'reason' END AS reason,
       listguard._redact(a.origin) AS origin, a.format
FROM listguard.audit_log a;
REVOKE ALL ON audit_events FROM PUBLIC;
GRANT SELECT ON audit_events TO listguard_monitor, pg_monitor, listguard_admin;
