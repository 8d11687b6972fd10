-- How many values each seal key seals, per column of this database; a
-- column whose values listguard cannot reach (nested) shows a null key.
CREATE FUNCTION _key_usage() RETURNS TABLE (relation regclass, column_name name, key_id text, "values" bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col record;
BEGIN
    FOR col IN SELECT * FROM listguard._email_columns() LOOP
        PERFORM listguard._note_progress('key_usage', col.relid, format('counting the values of column %s', col.column_name),
                                         0, pg_relation_size(col.relid) / current_setting('block_size')::bigint, 0);
        IF col.shape = 'nested' THEN
            RETURN QUERY SELECT col.relid, col.column_name, NULL::text, NULL::bigint;
        ELSIF col.shape = 'plain' THEN
            RETURN QUERY EXECUTE format('SELECT %L::regclass, %L::name, listguard._key_id(%I), count(*) FROM %s %s '
                                        'WHERE %I IS NOT NULL GROUP BY 3 ORDER BY 3',
                                        col.relid, col.column_name, col.column_name,
                                        CASE WHEN col.relkind = 'r' THEN 'ONLY' ELSE '' END, col.relid, col.column_name);
        ELSE
            RETURN QUERY EXECUTE format('SELECT %L::regclass, %L::name, listguard._key_id(x), count(*) FROM %s %s t, '
                                        'unnest(t.%I) x WHERE x IS NOT NULL GROUP BY 3 ORDER BY 3',
                                        col.relid, col.column_name,
                                        CASE WHEN col.relkind = 'r' THEN 'ONLY' ELSE '' END, col.relid, col.column_name);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _key_usage() FROM PUBLIC;
