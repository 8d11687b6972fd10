CREATE FUNCTION trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_planted integer, likely boolean)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
