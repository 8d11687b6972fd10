-- The tables below tbl's protection root that hold rows, and their size in
-- blocks.
CREATE FUNCTION _stamp_plan(tbl regclass) RETURNS TABLE (relid regclass, blocks bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    -- A Citus table is stamped in one batch, through Citus (_stamp_batch()).
    SELECT p.relid, CASE WHEN listguard._citus_table(p.relid) THEN 1
                         ELSE pg_relation_size(p.relid) / current_setting('block_size')::bigint END
    FROM listguard.protected_tables p JOIN pg_class c ON c.oid = p.relid
    WHERE p.root = (SELECT q.root FROM listguard.protected_tables q WHERE q.relid = tbl) AND c.relkind = 'r'
    ORDER BY p.relid::text
$$;
REVOKE ALL ON FUNCTION _stamp_plan(regclass) FROM PUBLIC;
