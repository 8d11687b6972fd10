CREATE FUNCTION retire_key(key_id text) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
