CREATE FUNCTION current_role_is_admin() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_current_role_is_admin' LANGUAGE C STABLE PARALLEL SAFE;
