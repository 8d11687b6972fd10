CREATE FUNCTION key_usage() RETURNS TABLE (relation regclass, column_name name, key_id text, "values" bigint)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
