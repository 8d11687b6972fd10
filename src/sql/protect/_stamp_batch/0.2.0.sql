CREATE FUNCTION _stamp_batch(tbl regclass, from_block bigint, to_block bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_stamp_batch' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _stamp_batch(regclass, bigint, bigint) FROM PUBLIC;
