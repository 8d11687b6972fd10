-- Assembled by scripts/assemble-sql from src/sql/upgrades/listguard--0.2.0--0.3.0.sql
-- and the files it includes: change those (CONTRIBUTING.md), not this file.
-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
-- Rows of audit_heads come from the appenders of the audit log; a row any
-- other session inserts (a restore, as a superuser) is a head that came in
-- with a dump, and is marked so. Every other change by a superuser is
-- recorded; other roles are refused.
CREATE FUNCTION audit_heads_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_heads_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_heads_guard() FROM PUBLIC;
-- The audit chain's head as its appender last left it (the last event's id
-- and link, and when), sealed with the audit key: pg_dump writes it into
-- every dump, so a restored database proves it holds the source's whole
-- history up to the dump (verify_audit()). This database's own head has no
-- restored_at; a head that came in with a restore has one.
CREATE TABLE audit_heads (
    source      text NOT NULL,         -- cluster system identifier and database OID of the chain
    last_id     bigint NOT NULL,
    last_link   bytea NOT NULL,
    as_of       timestamptz NOT NULL,
    seal        bytea NOT NULL,
    restored_at timestamptz
);
CREATE UNIQUE INDEX audit_heads_own ON audit_heads (source) WHERE restored_at IS NULL;
REVOKE ALL ON audit_heads FROM PUBLIC;
GRANT SELECT ON audit_heads TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_heads', '');
CREATE TRIGGER audit_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_heads_guard();
CREATE TRIGGER audit_heads_truncated BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_heads_guard();
-- An administrator's word that the audit history a restore brought without
-- its head record (a dump of listguard 0.2, say) is accepted as it is:
-- recorded in the chain, after which verify_audit() no longer reports it.
-- Returns the last restored event it covers.
CREATE FUNCTION accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_accept_restored_history' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _accept_restored_history(text) FROM PUBLIC;

-- listguard_monitor is new: _setup_roles() runs again and makes it (a role
-- of that name that listguard did not create is refused, as at CREATE
-- EXTENSION, unless listguard.adopt_existing_roles is on).
-- listguard's roles, shared by every database of the cluster: listguard_admin
-- (administration), listguard_owner (owns protected tables; admins belong to
-- it), listguard_approver (approves access requests), listguard_standby
-- (the login of hot standbys' links to the primary) and listguard_monitor
-- (reads metrics and progress, never an address). A role of one of these
-- names that listguard did not create is refused unless
-- listguard.adopt_existing_roles is on.
CREATE OR REPLACE FUNCTION _setup_roles(adopt boolean) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_setup_roles' LANGUAGE C VOLATILE STRICT;
SELECT _setup_roles(false);
REVOKE ALL ON FUNCTION _setup_roles(boolean) FROM PUBLIC;

-- Monitors see every quota, and read metrics, progress and the audit log
-- without its addresses.
-- Whether the current role may read what monitors read (an admin, a member
-- of listguard_monitor or of pg_monitor): quota_usage shows them every quota.
CREATE FUNCTION current_role_is_monitor() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_current_role_is_monitor' LANGUAGE C STABLE PARALLEL SAFE;
-- Every quota the caller may see (admins and monitors: all; others: their
-- own) and where it stands. "used" counts what backends have reserved and
-- not yet given back too.
CREATE OR REPLACE VIEW quota_usage WITH (security_barrier) AS
SELECT g.id AS grant_id, g.grantee AS role, g.account, g.list, g.quota, g.on_exceed,
       coalesce(s.used, 0) AS used,
       greatest(g.quota_limit - coalesce(s.used, 0), 0) AS remaining,
       s.window_start + make_interval(secs => g.quota_window) AS window_resets_at
FROM listguard.grants g
LEFT JOIN listguard._quota_state() s
       ON s.grant_id = g.id AND s.window_start + make_interval(secs => g.quota_window) > now()
WHERE g.quota IS NOT NULL
  AND (listguard.current_role_is_admin() OR listguard.current_role_is_monitor()
       OR listguard.role_receives_grants_of(current_user::regrole, g.grantee));
GRANT SELECT ON quota_usage TO PUBLIC;
-- Text with every address-like token masked (j***@example.com): names a role
-- chose (of roles, tables, applications) as monitors see them. Public: it
-- only ever hides.
CREATE FUNCTION _redact(text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_redact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Whether text holds anything _redact() would mask. Public: it says no more
-- than _redact() does.
CREATE FUNCTION _has_address(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_has_address' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- The rows of listguard.metrics, from shared memory and listguard's tables
-- (read as the extension's owner, with fixed queries). It checks that the
-- caller is a monitor (an admin, a member of listguard_monitor or of
-- pg_monitor) besides these privileges.
CREATE FUNCTION _metrics(OUT metric text, OUT labels jsonb, OUT value double precision) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_metrics' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _metrics() TO listguard_monitor, pg_monitor, listguard_admin;
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
CREATE FUNCTION _progress(OUT pid integer, OUT command text, OUT "table" text, OUT phase text,
                          OUT blocks_done bigint, OUT blocks_total bigint, OUT "rows" bigint,
                          OUT started timestamptz, OUT updated timestamptz) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _progress() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _progress() TO listguard_monitor, pg_monitor, listguard_admin;
-- One row per running protect(), stamp_existing(), reseal_existing(),
-- invalid_addresses(), retire_key(), archive_audit() and background
-- stamping of this database: who runs it, on which table, in which phase,
-- how many of the table's blocks are done, the rows so far, since when.
CREATE VIEW progress AS
SELECT p.pid, p.command, p."table", p.phase, p.blocks_done, p.blocks_total, p."rows", p.started, p.updated
FROM listguard._progress() p;
REVOKE ALL ON progress FROM PUBLIC;
GRANT SELECT ON progress TO listguard_monitor, pg_monitor, listguard_admin;
-- The audit log without what could hold or point at an address, for
-- monitors: no detail (it holds admins' reasons and arguments, masked key
-- values, sealed canary records), no digests (they would let events about
-- one address be linked), no links; names a role chose with addresses
-- masked, counts hidden if they hold anything like one. For a refusal, its
-- reason when it is one of listguard's own.
CREATE VIEW audit_events WITH (security_barrier) AS
SELECT a.id, a.logged_at, a.kind,
       listguard._redact(a.session_user_name) AS session_user_name,
       listguard._redact(a.current_user_name) AS current_user_name,
       a.client_addr, listguard._redact(a.application_name) AS application_name, a.backend_pid, a.xid,
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
