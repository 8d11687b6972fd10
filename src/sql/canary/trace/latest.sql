CREATE FUNCTION trace(address text)
    RETURNS TABLE (canary boolean, role regrole, account bigint, list bigint, planted_at timestamptz,
                   clear_reveals bigint, first_revealed timestamptz, last_revealed timestamptz)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
