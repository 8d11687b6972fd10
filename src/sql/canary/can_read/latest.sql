CREATE FUNCTION can_read(account bigint, list bigint, address email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read_row' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT _scope_support;
