CREATE FUNCTION create_principal(name text, account bigint DEFAULT NULL, description text DEFAULT NULL)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
