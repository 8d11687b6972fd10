-- Every column of a stored table (not temporary) that holds
-- listguard.email values: plain (the type or a domain over it), in an
-- array of those, or nested deeper (composites, ranges, arrays of those),
-- where listguard cannot re-seal or check them.
CREATE FUNCTION _email_columns() RETURNS TABLE (relid regclass, relkind "char", column_name name, shape text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE plain(oid) AS (
        SELECT 'listguard.email'::regtype::oid
        UNION
        SELECT t.oid FROM pg_type t JOIN plain p ON t.typtype = 'd' AND t.typbasetype = p.oid
    ), holding(oid) AS (
        SELECT oid FROM plain
        UNION
        SELECT t.oid FROM pg_type t, holding h
        WHERE (t.typelem = h.oid AND t.typcategory = 'A') OR (t.typtype = 'd' AND t.typbasetype = h.oid)
           OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.typrelid
                                           AND a.atttypid = h.oid AND a.attnum > 0 AND NOT a.attisdropped))
           OR (t.typtype = 'r' AND EXISTS (SELECT 1 FROM pg_range r WHERE r.rngtypid = t.oid AND r.rngsubtype = h.oid))
           OR (t.typtype = 'm' AND EXISTS (SELECT 1 FROM pg_range r WHERE r.rngmultitypid = t.oid AND r.rngtypid = h.oid))
    )
    SELECT c.oid::regclass, c.relkind, a.attname,
           CASE WHEN a.atttypid IN (SELECT oid FROM plain) THEN 'plain'
                WHEN EXISTS (SELECT 1 FROM pg_type t WHERE t.oid = a.atttypid AND t.typcategory = 'A'
                             AND t.typelem IN (SELECT oid FROM plain)) THEN 'array'
                ELSE 'nested' END
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
      AND (c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace,
                                  'listguard'::regnamespace)
           OR (c.relnamespace = 'listguard'::regnamespace AND c.relname = 'canaries'))
      AND a.atttypid IN (SELECT oid FROM holding)
    ORDER BY c.oid::regclass::text, a.attnum
$$;
REVOKE ALL ON FUNCTION _email_columns() FROM PUBLIC;
