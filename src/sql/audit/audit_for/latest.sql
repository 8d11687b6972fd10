CREATE FUNCTION audit_for(address text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
