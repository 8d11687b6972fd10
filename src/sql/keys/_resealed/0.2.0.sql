-- Public: re-sealing keeps a value's stamp, digest and address, so it
-- gives nobody anything, and a table's owner runs it when its table is
-- re-sealed.
CREATE FUNCTION _resealed(email) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_resealed' LANGUAGE C STABLE STRICT PARALLEL SAFE;
