CREATE FUNCTION revoke_access(grant_id bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
