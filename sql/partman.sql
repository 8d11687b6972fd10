-- pg_partman's usual set-up, protected with no manual step: the parent is
-- the application's, keyed by its bigserial; create_parent() makes the
-- partitions, protect() takes the tree and the sequence over, and
-- run_maintenance() (as the superuser or administrator that runs it)
-- keeps adding protected partitions and dropping old ones.
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
CREATE ROLE pm_app;
CREATE ROLE pm_reader;
CREATE SCHEMA pm AUTHORIZATION pm_app;
SET ROLE pm_app;
CREATE TABLE pm.subs (id bigserial, created_at timestamptz NOT NULL, account_id bigint NOT NULL,
                      list_id bigint NOT NULL, email listguard.email) PARTITION BY RANGE (created_at);
RESET ROLE;
SELECT partman.create_parent('pm.subs', 'created_at', 'native', 'daily', p_premake => 2,
                             p_start_partition => (date_trunc('day', now()) - interval '3 days')::text);
SELECT listguard.protect('pm.subs', 'account_id', 'list_id');
SELECT count(*) AS protected_tables FROM listguard.protected_tables WHERE root = 'pm.subs'::regclass;
SELECT relowner::regrole AS sequence_owner FROM pg_class WHERE oid = 'pm.subs_id_seq'::regclass;
SELECT listguard.grant_access('pm_app', NULL, can_write => true) AS g_app \gset
SELECT listguard.grant_access('pm_reader', 1, reveal => 'clear') AS g_reader \gset
GRANT USAGE ON SCHEMA pm TO pm_reader;
GRANT SELECT ON pm.subs TO pm_reader;

-- The application writes as before: stamped, every partition.
SET ROLE pm_app;
INSERT INTO pm.subs (created_at, account_id, list_id, email)
SELECT date_trunc('day', now()) - g * interval '6 hours', 1 + g % 2, 10, 'pm' || g || '@example.com'
FROM generate_series(0, 11) g;
RESET ROLE;
SET ROLE pm_reader;
SELECT count(*) AS readable, count(*) FILTER (WHERE email::text LIKE 'pm%@example.com') AS clear FROM pm.subs;
RESET ROLE;

-- Maintenance: more partitions ahead, a retention of two days.
UPDATE partman.part_config SET premake = 4, retention = '2 days', retention_keep_table = false
WHERE parent_table = 'pm.subs';
CALL partman.run_maintenance_proc();
SELECT c.relname ~ '^subs_(p[0-9_]+|default)$' AS partman_name,
       p.relid IS NOT NULL AS protected,
       c.relowner::regrole AS owner,
       (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'listguard_stamp') AS stamping
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
LEFT JOIN listguard.protected_tables p ON p.relid = c.oid
WHERE i.inhparent = 'pm.subs'::regclass
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2;
SELECT count(*) >= 7 AS partitions_ahead_and_behind FROM pg_inherits WHERE inhparent = 'pm.subs'::regclass;
-- Retention dropped what was older than two days (rows and protections).
SELECT count(*) AS rows_left, min(created_at) >= date_trunc('day', now()) - interval '3 days' AS old_gone
FROM pm.subs;
SELECT count(*) = (SELECT count(*) + 1 FROM pg_inherits WHERE inhparent = 'pm.subs'::regclass) AS every_table_protected
FROM listguard.protected_tables WHERE root = 'pm.subs'::regclass;

-- A role that is not an administrator cannot add a partition by hand.
SET ROLE pm_app;
CREATE TABLE pm.sneaky PARTITION OF pm.subs FOR VALUES FROM ('2000-01-01') TO ('2000-01-02');
RESET ROLE;

SELECT listguard.revoke_access(:g_app), listguard.revoke_access(:g_reader);
SELECT listguard.unprotect('pm.subs');
DROP SCHEMA pm CASCADE;
DROP EXTENSION pg_partman;
DROP SCHEMA partman CASCADE;
DROP ROLE pm_app, pm_reader;
