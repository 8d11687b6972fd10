-- The tables below tbl (partitions and inheritance children, at any depth).
CREATE FUNCTION _descendants(tbl regclass) RETURNS SETOF regclass
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE below(relid) AS (
        SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = tbl
        UNION
        SELECT i.inhrelid FROM pg_inherits i JOIN below b ON i.inhparent = b.relid
    )
    SELECT relid::regclass FROM below
$$;
REVOKE ALL ON FUNCTION _descendants(regclass) FROM PUBLIC;
