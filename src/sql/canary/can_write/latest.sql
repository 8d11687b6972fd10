CREATE FUNCTION can_write(account bigint, list bigint, address email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write_row' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT _scope_support;
