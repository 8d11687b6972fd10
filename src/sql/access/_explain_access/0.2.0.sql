CREATE FUNCTION _explain_access(role regrole)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole, request_id bigint,
                   sends boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT g.account, g.list, g.reveal, g.can_write, g.quota, g.valid_until, g.from_networks, g.id, g.grantee, g.request_id,
           g.sends
    FROM listguard.grants g
    WHERE listguard.role_receives_grants_of(role, g.grantee)
    ORDER BY g.account NULLS FIRST, g.list NULLS FIRST, g.id
$$;
REVOKE ALL ON FUNCTION _explain_access(regrole) FROM PUBLIC;
