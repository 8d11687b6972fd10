-- The events of an archived segment that verifies, as audit_log held them.
CREATE FUNCTION read_audit_archive(segment text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
