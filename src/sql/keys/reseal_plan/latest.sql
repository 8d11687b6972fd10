CREATE FUNCTION reseal_plan() RETURNS TABLE (relid regclass, blocks bigint)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
