-- The first listguard.email column of a table: the one canaries go in.
CREATE FUNCTION _canary_column(tbl regclass) RETURNS name
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT a.attname FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.atttypid = 'listguard.email'::regtype AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum LIMIT 1
$$;
REVOKE ALL ON FUNCTION _canary_column(regclass) FROM PUBLIC;
