-- Rows of audit_heads come from the appenders of the audit log; a row any
-- other session inserts (a restore, as a superuser) is a head that came in
-- with a dump, and is marked so. Every other change by a superuser is
-- recorded; other roles are refused.
CREATE FUNCTION audit_heads_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_heads_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_heads_guard() FROM PUBLIC;
