CREATE FUNCTION audit_statement_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_statement_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_statement_trigger() FROM PUBLIC;
