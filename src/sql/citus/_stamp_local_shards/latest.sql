-- Stamps the rows that the shards placed on this node hold, of a protected
-- Citus table and the protected tables below it (protect() runs it on every
-- node, as the extension's owner; listguard.protected_tables has the table
-- already: the coordinator sent its catalog first).
CREATE FUNCTION _stamp_local_shards(tbl regclass) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    shard regclass;
    total bigint := 0;
BEGIN
    FOR t IN SELECT p.relid FROM listguard.protected_tables p
             WHERE p.root = (SELECT q.root FROM listguard.protected_tables q WHERE q.relid = tbl) LOOP
        -- shard_name() leaves out the schema public: the shard is in t's schema.
        FOR shard IN SELECT pg_catalog.format('%I.%I', (SELECT n.nspname FROM pg_namespace n JOIN pg_class c
                                                        ON c.relnamespace = n.oid WHERE c.oid = t),
                         (pg_catalog.parse_ident(pg_catalog.shard_name(t, s.shardid)))[
                             pg_catalog.array_length(pg_catalog.parse_ident(pg_catalog.shard_name(t, s.shardid)), 1)])::regclass
                     FROM pg_catalog.pg_dist_shard s
                     JOIN pg_catalog.pg_dist_placement pl ON pl.shardid = s.shardid
                     WHERE s.logicalrelid = t
                       AND pl.groupid = (SELECT g.groupid FROM pg_catalog.pg_dist_local_group g) LOOP
            CONTINUE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = shard) <> 'r';
            total := total + listguard._stamp_batch(shard, 0,
                pg_relation_size(shard) / current_setting('block_size')::bigint + 1);
        END LOOP;
    END LOOP;
    RETURN total;
END
$$;
REVOKE ALL ON FUNCTION _stamp_local_shards(regclass) FROM PUBLIC;
