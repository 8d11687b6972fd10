-- The tables reseal_existing() goes through, and their size in blocks.
CREATE FUNCTION _reseal_plan() RETURNS TABLE (relid regclass, blocks bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT DISTINCT e.relid, pg_relation_size(e.relid) / current_setting('block_size')::bigint
    FROM listguard._email_columns() e WHERE e.relkind = 'r' AND e.shape = 'plain'
    ORDER BY 1
$$;
REVOKE ALL ON FUNCTION _reseal_plan() FROM PUBLIC;
