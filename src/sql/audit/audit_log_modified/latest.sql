-- The audit log's triggers: only its writer appends to it; a superuser's
-- change is allowed, recorded, and shown by verify_audit().
CREATE FUNCTION audit_log_modified() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_log_modified' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_log_modified() FROM PUBLIC;
