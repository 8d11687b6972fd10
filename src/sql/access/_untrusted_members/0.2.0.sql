-- Memberships below a role (at any depth) that a non-administrator granted.
CREATE FUNCTION _untrusted_members(role regrole) RETURNS TABLE (member regrole, via regrole, grantor regrole)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE below(member, via, grantor) AS (
        SELECT m.member, m.roleid, m.grantor FROM pg_auth_members m WHERE m.roleid = role
        UNION
        SELECT m.member, m.roleid, m.grantor FROM pg_auth_members m JOIN below b ON m.roleid = b.member
    )
    SELECT b.member::regrole, b.via::regrole, b.grantor::regrole FROM below b
    WHERE NOT listguard._is_trusted_owner(b.grantor)
$$;
REVOKE ALL ON FUNCTION _untrusted_members(regrole) FROM PUBLIC;
