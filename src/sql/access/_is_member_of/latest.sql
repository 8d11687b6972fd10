-- Public: access_requests calls it as the reader, and memberships are
-- public in pg_auth_members anyway.
CREATE FUNCTION _is_member_of(member regrole, role regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_is_member_of' LANGUAGE C STABLE STRICT;
