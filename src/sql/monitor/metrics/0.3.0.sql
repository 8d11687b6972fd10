-- What listguard did and where it stands, one row per metric and label set,
-- for monitoring without superuser and without any address: values shown
-- per role and reveal level, quota use and limit per grant, refusals per
-- reason, audit events per kind, the audit queue and writer, the log's
-- extent and archives, standby links and leases, keys, canary hits, long
-- operations. Counters count since the server started. monitoring/
-- postgres_exporter.yml turns it into Prometheus series (listguard_<metric>).
CREATE VIEW metrics AS SELECT m.metric, m.labels, m.value FROM listguard._metrics() m;
REVOKE ALL ON metrics FROM PUBLIC;
GRANT SELECT ON metrics TO listguard_monitor, pg_monitor, listguard_admin;
