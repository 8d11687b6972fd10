-- Public: re-sealing keeps a value's stamp, digest and address, so it
-- gives nobody anything, and a table's owner runs it when its table is
-- re-sealed.
CREATE FUNCTION _under_current_key(email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_under_current_key' LANGUAGE C STABLE STRICT PARALLEL SAFE;
