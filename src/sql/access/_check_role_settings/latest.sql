-- Refuses (42501) a grantee that holds, or has a member that holds, a
-- setting stored by ALTER ROLE ... SET that decides what its sessions run
-- (search_path, row_security, role, session_authorization): stored while no
-- listguard power guarded the role, perhaps by a CREATEROLE role.
CREATE FUNCTION _check_role_settings(grantee regrole) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_check_role_settings' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _check_role_settings(regrole) FROM PUBLIC;
