-- The roles that could have seen a planted canary: the role it was planted
-- for, every role that is a member of it (inheriting or not: they could SET
-- ROLE to it), and the senders whose grant covers its list, with the roles
-- that receive their grants.
CREATE FUNCTION _canary_seers(c listguard.canaries) RETURNS TABLE (role regrole, sees text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE members(r) AS (
        SELECT c.role::oid
        UNION SELECT m.member FROM pg_auth_members m JOIN members ON m.roleid = members.r
    ), senders AS (
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.sends AND (g.account IS NULL OR g.account = c.account)
          AND (g.list IS NULL OR g.list IS NOT DISTINCT FROM c.list)
    )
    SELECT x.role, x.sees FROM (
        SELECT m.r::regrole AS role, CASE WHEN m.r = c.role::oid THEN 'planted for' ELSE 'member' END AS sees,
               CASE WHEN m.r = c.role::oid THEN 0 ELSE 1 END AS rank
        FROM members m
        UNION ALL
        SELECT r.oid::regrole, 'sender', 2 FROM pg_roles r
        WHERE EXISTS (SELECT 1 FROM senders s WHERE listguard.role_receives_grants_of(r.oid::regrole, s.grantee))
          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.r = r.oid)
    ) x
    ORDER BY x.rank, x.role::text
$$;
REVOKE ALL ON FUNCTION _canary_seers(listguard.canaries) FROM PUBLIC;
