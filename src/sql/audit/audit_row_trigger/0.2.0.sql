CREATE FUNCTION audit_row_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_row_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_row_trigger() FROM PUBLIC;
