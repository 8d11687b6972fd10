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
