-- Monitoring without superuser (issue 23): listguard_monitor and pg_monitor
-- read listguard.metrics, listguard.progress, every quota and the audit log
-- without its addresses; nobody else does, and what they read holds counts
-- and names with any address masked, never an address, a digest or a
-- detail. Counters count since the server started (other tests add to
-- them): checks compare before and after.
SELECT lgtest.audit_settle();
CREATE TEMP TABLE mn_start AS SELECT coalesce(max(id), 0) AS id FROM listguard.audit_log;
GRANT SELECT ON mn_start TO PUBLIC;
-- Address-like tokens in a text that are not masks (x***@domain).
CREATE FUNCTION lgtest.unmasked(t text) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM regexp_matches(coalesce(t, ''), '([A-Za-z0-9._%+*-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)', 'g') m
    WHERE m[1] NOT LIKE '%***@%'
$$;
SELECT lgtest.unmasked('jane@example.com, j***@example.com') AS helper_finds_one;
CREATE ROLE mn_monitor LOGIN;
GRANT listguard_monitor TO mn_monitor;
CREATE ROLE mn_pgmon LOGIN;
GRANT pg_monitor TO mn_pgmon;
CREATE ROLE mn_nobody LOGIN;
CREATE ROLE "mn.jane@example.com" LOGIN;
CREATE ROLE mn_pseudo;
CREATE ROLE mn_creator CREATEROLE;

-- The role is listguard's own: NOLOGIN, marked, guarded like the others.
SELECT r.rolcanlogin, l.label FROM pg_roles r
LEFT JOIN pg_shseclabel l ON l.objoid = r.oid AND l.provider = 'listguard' AND l.classoid = 'pg_authid'::regclass
WHERE r.rolname = 'listguard_monitor';
SET ROLE mn_creator;
SELECT lgtest.try('GRANT listguard_monitor TO mn_nobody') AS createrole_grants_monitor;
SELECT lgtest.try('CREATE ROLE mn_sneaky IN ROLE listguard_monitor') AS createrole_joins_monitor;
SELECT lgtest.try('REVOKE listguard_monitor FROM mn_monitor') AS createrole_revokes_monitor;
SELECT lgtest.try('GRANT pg_monitor TO mn_nobody') AS createrole_grants_pg_monitor;
RESET ROLE;

CREATE TABLE mn_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL);
SELECT listguard.protect('mn_subs', 'account_id', 'list_id');
INSERT INTO mn_subs SELECT g, 1, 10, 'monitored' || g || '@example.com' FROM generate_series(1, 30) g;
GRANT SELECT, INSERT ON mn_subs TO "mn.jane@example.com", mn_pseudo, mn_nobody;
SELECT listguard.grant_access('"mn.jane@example.com"', 1, reveal => 'clear', quota => '1000/day') > 0 AS granted;
SELECT listguard.grant_access('mn_pseudo', 1, 10, reveal => 'pseudonym') > 0 AS granted;
-- Admins see the names in quota_usage as they are.
SELECT role FROM listguard.quota_usage WHERE quota = '1000/day';

-- Nobody else reads any of it.
SET ROLE mn_nobody;
SELECT lgtest.try('SELECT count(*) FROM listguard.metrics') AS nobody_metrics;
SELECT lgtest.try('SELECT count(*) FROM listguard._metrics()') AS nobody_metrics_function;
SELECT lgtest.try('SELECT count(*) FROM listguard.progress') AS nobody_progress;
SELECT lgtest.try('SELECT count(*) FROM listguard.audit_events') AS nobody_audit_events;
SELECT count(*) AS nobody_sees_quotas FROM listguard.quota_usage;
RESET ROLE;

-- Values shown, per role and level: the metrics count what was shown.
CREATE TEMP TABLE mn_before AS SELECT metric, labels, value FROM listguard.metrics;
GRANT SELECT ON mn_before TO PUBLIC;
CREATE FUNCTION lgtest.metric_delta(m text, l jsonb) RETURNS double precision LANGUAGE sql AS $$
    SELECT coalesce((SELECT sum(value) FROM listguard.metrics WHERE metric = m AND labels @> l), 0)
         - coalesce((SELECT sum(value) FROM mn_before WHERE metric = m AND labels @> l), 0)
$$;
SET ROLE "mn.jane@example.com";
SELECT count(email::text) AS shown_clear FROM mn_subs;
SET ROLE mn_pseudo;
SELECT count(email::text) AS shown_pseudonyms FROM mn_subs;
RESET ROLE;
SELECT count(email::text) AS shown_masked FROM mn_subs;
-- A refusal: laundering a value into another list.
SET ROLE mn_pseudo;
SELECT lgtest.try('INSERT INTO mn_subs SELECT 100, 1, 11, email FROM mn_subs WHERE id = 1') LIKE '42501%'
       AS laundering_refused;
RESET ROLE;
SELECT lgtest.audit_settle();

SET ROLE mn_monitor;
SELECT lgtest.metric_delta('reveals_total', '{"role": "m***@example.com", "level": "clear"}') AS clear_shown,
       lgtest.metric_delta('reveals_total', '{"role": "mn_pseudo", "level": "pseudonym"}') AS pseudonyms_shown,
       lgtest.metric_delta('reveals_total', '{"role": "postgres", "level": "masked"}') >= 30 AS masks_shown,
       lgtest.metric_delta('denials_total', '{"reason": "laundering"}') AS laundering_refusals,
       lgtest.metric_delta('audit_events_total', '{"kind": "clear_reveal"}') AS clear_reveal_events;
-- Quotas: used and limit per grant, under the grant's id and masked role.
SELECT metric, labels - 'grant' AS labels, value FROM listguard.metrics
WHERE metric LIKE 'quota%' AND labels->>'role' = 'm***@example.com' ORDER BY metric;
-- ... and quota_usage shows every quota to a monitor.
SELECT used, remaining FROM listguard.quota_usage WHERE account = 1 AND quota = '1000/day';
-- ... with names as metrics show them (attack 81): a role whose name is an
-- address null (a regrole cannot be masked; the grant's id ties the row to
-- its metrics, where the name is m***@example.com).
SELECT role, lgtest.unmasked(q::text) AS unmasked FROM listguard.quota_usage q WHERE quota = '1000/day';
-- The audit log without its addresses: no detail, digest or link column;
-- names with addresses masked.
SELECT string_agg(attname, ', ' ORDER BY attnum) AS audit_events_columns FROM pg_attribute
WHERE attrelid = 'listguard.audit_events'::regclass AND attnum > 0;
SELECT kind, current_user_name, counts, reason FROM listguard.audit_events
WHERE kind IN ('clear_reveal', 'denied') AND id > (SELECT id FROM mn_start)
ORDER BY id;
-- Every gauge a dashboard needs is there from the start.
SELECT string_agg(DISTINCT metric, ' ' ORDER BY metric) AS metrics FROM listguard.metrics
WHERE metric IN ('audit_queue_pending', 'audit_writer_lag_seconds', 'audit_gaps_total', 'audit_overflow_total',
                 'seal_keys', 'seal_key_current', 'protected_tables', 'standby', 'standby_links',
                 'audit_log_events', 'keyring_loaded', 'operations_running');
-- What a monitor still cannot do: read the log, grants or digests, the
-- archived segments' links and seals or their events, canaries, what is
-- queued for stamping; archive (prune) the log.
\x on
SELECT lgtest.try('SELECT count(*) FROM listguard.audit_log') AS monitor_audit_log,
       lgtest.try('SELECT count(*) FROM listguard.grants') AS monitor_grants,
       lgtest.try($$SELECT listguard._email_digest('monitored1@example.com')$$) AS monitor_digest,
       lgtest.try('SELECT count(email::text) FROM mn_subs') AS monitor_reads_table,
       lgtest.try('SELECT count(segment) FROM listguard.audit_archives') AS monitor_archive_names,
       lgtest.try('SELECT count(seal) FROM listguard.audit_archives') AS monitor_archive_seals,
       lgtest.try('SELECT count(exit_link) FROM listguard.audit_archives') AS monitor_archive_links,
       lgtest.try($$SELECT count(*) FROM listguard.audit_for('monitored1@example.com')$$) AS monitor_audit_for,
       lgtest.try($$SELECT count(*) FROM listguard.read_audit_archive('x')$$) AS monitor_read_archive,
       lgtest.try('SELECT count(*) FROM listguard.explain_access(current_user::regrole)') AS monitor_explain_access,
       lgtest.try('SELECT count(*) FROM listguard.canaries') AS monitor_canaries,
       lgtest.try('SELECT count(*) FROM listguard.stamp_queue') AS monitor_stamp_queue,
       lgtest.try('SELECT count(*) FROM listguard.archive_audit(now())') AS monitor_archives;
\x off
RESET ROLE;

-- pg_monitor's members read the same.
SET ROLE mn_pgmon;
SELECT count(*) > 0 AS pg_monitor_metrics FROM listguard.metrics;
SELECT lgtest.try('SELECT count(*) FROM listguard.progress') AS pg_monitor_progress;
SELECT count(*) > 0 AS pg_monitor_audit_events FROM listguard.audit_events;
-- ... and no more.
\x on
SELECT lgtest.try('SELECT count(*) FROM listguard.audit_log') AS pg_monitor_audit_log,
       lgtest.try('SELECT count(*) FROM listguard.grants') AS pg_monitor_grants,
       lgtest.try($$SELECT listguard._email_digest('monitored1@example.com')$$) AS pg_monitor_digest,
       lgtest.try('SELECT count(segment) FROM listguard.audit_archives') AS pg_monitor_archive_names,
       lgtest.try('SELECT count(seal) FROM listguard.audit_archives') AS pg_monitor_archive_seals,
       lgtest.try('SELECT count(exit_link) FROM listguard.audit_archives') AS pg_monitor_archive_links,
       lgtest.try($$SELECT count(*) FROM listguard.audit_for('monitored1@example.com')$$) AS pg_monitor_audit_for,
       lgtest.try($$SELECT count(*) FROM listguard.read_audit_archive('x')$$) AS pg_monitor_read_archive,
       lgtest.try('SELECT count(*) FROM listguard.explain_access(current_user::regrole)') AS pg_monitor_explain_access,
       lgtest.try('SELECT count(*) FROM listguard.canaries') AS pg_monitor_canaries,
       lgtest.try('SELECT count(*) FROM listguard.stamp_queue') AS pg_monitor_stamp_queue,
       lgtest.try('SELECT count(*) FROM listguard.archive_audit(now())') AS pg_monitor_archives;
\x off
RESET ROLE;
-- pg_monitor holds pg_read_all_settings, which reads superuser-only
-- settings (attack 80): listguard's secrets are shown to superusers only,
-- and kept out of pg_settings (with their reset_val) and SHOW ALL.
SET listguard.canary_domains = 'secret-canaries.example';
SHOW listguard.canary_domains;
SET ROLE mn_pgmon;
SHOW listguard.canary_domains;
SELECT current_setting('listguard.canary_domains') AS canary_domains,
       (SELECT count(*) FROM pg_settings WHERE name IN ('listguard.canary_domains', 'listguard.primary_conninfo',
                                                       'listguard.key_command')) AS in_pg_settings,
       (SELECT count(*) FROM pg_settings WHERE setting LIKE '%secret-canaries%' OR reset_val LIKE '%secret-canaries%')
           AS shown_anywhere;
RESET ROLE;
RESET listguard.canary_domains;
-- Nor may they be stored where every login reads them (pg_db_role_setting).
SELECT lgtest.try($$ALTER DATABASE contrib_regression SET listguard.canary_domains = 'secret-canaries.example'$$)
           AS database_setting,
       lgtest.try($$ALTER ROLE mn_nobody SET listguard.canary_domains = 'secret-canaries.example'$$) AS role_setting;
SELECT count(*) AS stored FROM pg_db_role_setting WHERE array_to_string(setconfig, ' ') LIKE '%canary_domains%';

-- Nothing a monitor reads holds an address: every text of the metrics,
-- the progress and the audit events, checked for anything like one.
SET ROLE mn_monitor;
SELECT sum(lgtest.unmasked(m.labels::text)) AS addresses_in_metrics,
       count(*) FILTER (WHERE m.labels::text LIKE '%***@%') > 0 AS masked_names_in_metrics
FROM listguard.metrics m;
SELECT sum(lgtest.unmasked(e::text)) AS addresses_in_audit_events FROM listguard.audit_events e;
SELECT count(*) AS addresses_in_progress FROM listguard.progress p WHERE lgtest.unmasked(p::text) > 0;
RESET ROLE;
SELECT listguard._redact('jane.doe@example.com and "q"@x.org') AS redacted;

SELECT listguard.unprotect('mn_subs');
SELECT listguard.revoke_access(id) FROM listguard.grants
WHERE grantee IN ('"mn.jane@example.com"'::regrole, 'mn_pseudo'::regrole);
DROP TABLE mn_subs;
DROP FUNCTION lgtest.metric_delta(text, jsonb);
DROP FUNCTION lgtest.unmasked(text);
DROP ROLE mn_monitor, mn_pgmon, mn_nobody, "mn.jane@example.com", mn_pseudo, mn_creator;
