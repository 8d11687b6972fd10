CREATE FUNCTION role_receives_grants_of(member regrole, grantee regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_role_receives_grants_of' LANGUAGE C STABLE STRICT PARALLEL SAFE;
