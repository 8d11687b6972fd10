-- Whether the current role may read what monitors read (an admin, a member
-- of listguard_monitor or of pg_monitor): quota_usage shows them every quota.
CREATE FUNCTION current_role_is_monitor() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_current_role_is_monitor' LANGUAGE C STABLE PARALLEL SAFE;
