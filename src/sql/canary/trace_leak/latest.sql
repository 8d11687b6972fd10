CREATE FUNCTION trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_visible integer, canaries_revealed integer,
                   addresses_revealed real, odds real, likely boolean)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
