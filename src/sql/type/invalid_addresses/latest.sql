CREATE FUNCTION invalid_addresses(tbl regclass, col name) RETURNS TABLE (ctid tid, reason text)
    AS 'MODULE_PATHNAME', 'lg_invalid_addresses' LANGUAGE C VOLATILE STRICT;
