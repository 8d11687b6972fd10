CREATE FUNCTION can_write(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT _scope_support;
