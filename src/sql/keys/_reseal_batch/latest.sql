CREATE FUNCTION _reseal_batch(tbl regclass, from_block bigint, to_block bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_reseal_batch' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _reseal_batch(regclass, bigint, bigint) FROM PUBLIC;
