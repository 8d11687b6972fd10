CREATE FUNCTION explain_access(role regrole)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole, request_id bigint,
                   sends boolean)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
