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

-- Row policies the planner can use: can_read() and can_write() get a
-- planner support function that puts the account argument's range in front
-- of them as an index condition (issue 24).
-- The planner support of can_read() and can_write(): the account argument
-- becomes an index condition (account >= _first_account(...) AND account <=
-- _last_account(...)) in front of the function itself, which still decides
-- every row; and the estimate of the rows that pass uses that range. Only
-- the planner calls it.
CREATE FUNCTION _scope_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'lg_scope_support' LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION _scope_support(internal) FROM PUBLIC;
-- The range of accounts whose rows the current role may read (write =>
-- false) or write (true), as the row policies' index condition reads it
-- when a scan starts: the lowest account. Public: the index condition runs
-- as whoever queries, and it tells a role nothing explain_access() of
-- itself does not.
CREATE FUNCTION _first_account(write boolean) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_first_account' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- The highest account of the range (see _first_account). Public, as it.
CREATE FUNCTION _last_account(write boolean) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_last_account' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION can_read(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT _scope_support;
CREATE OR REPLACE FUNCTION can_write(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT _scope_support;
CREATE OR REPLACE FUNCTION can_read(account bigint, list bigint, address email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read_row' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT _scope_support;
CREATE OR REPLACE FUNCTION can_write(account bigint, list bigint, address email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write_row' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT _scope_support;
