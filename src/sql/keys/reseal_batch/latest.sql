CREATE FUNCTION reseal_batch(tbl regclass, from_block bigint, to_block bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
