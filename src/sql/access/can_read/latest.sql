CREATE FUNCTION can_read(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT _scope_support;
