-- listguard.email constants kept in the catalogs (column and domain
-- defaults, constraints, index expressions, views, policies, trigger
-- conditions, SQL function bodies), with the seal key that sealed each:
-- they were sealed when the object was made and are not re-sealed.
CREATE FUNCTION _email_constants() RETURNS TABLE (object text, key_id text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE plain(oid) AS (
        SELECT 'listguard.email'::regtype::oid
        UNION
        SELECT t.oid FROM pg_type t JOIN plain p ON t.typtype = 'd' AND t.typbasetype = p.oid
    ), trees(object, tree) AS (
        SELECT pg_describe_object('pg_attrdef'::regclass, d.oid, 0), d.adbin::text FROM pg_attrdef d
        UNION ALL
        SELECT pg_describe_object('pg_constraint'::regclass, c.oid, 0), c.conbin::text
        FROM pg_constraint c WHERE c.conbin IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_class'::regclass, i.indexrelid, 0),
               coalesce(i.indexprs::text, '') || coalesce(i.indpred::text, '')
        FROM pg_index i WHERE i.indexprs IS NOT NULL OR i.indpred IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_rewrite'::regclass, r.oid, 0), r.ev_action::text
        FROM pg_rewrite r WHERE r.oid >= 16384
        UNION ALL
        SELECT pg_describe_object('pg_policy'::regclass, p.oid, 0),
               coalesce(p.polqual::text, '') || coalesce(p.polwithcheck::text, '')
        FROM pg_policy p
        UNION ALL
        SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0), t.tgqual::text
        FROM pg_trigger t WHERE t.tgqual IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_type'::regclass, t.oid, 0), t.typdefaultbin::text
        FROM pg_type t WHERE t.typdefaultbin IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_proc'::regclass, p.oid, 0), p.prosqlbody::text
        FROM pg_proc p WHERE p.prosqlbody IS NOT NULL
    ), constants(object, octets) AS (
        SELECT t.object, string_to_array(btrim(m[2]), ' ')::int[]
        FROM trees t,
             regexp_matches(t.tree, '\{CONST :consttype ([0-9]+) [^{}]*?:constisnull false [^{}]*?:constvalue [0-9]+ \[ ([-0-9 ]+)\]', 'g') m
        WHERE m[1]::oid IN (SELECT oid FROM plain)
    )
    -- The value's octets: a varlena header (4 octets, or 1 when short),
    -- the format version, then the 4-octet key id.
    SELECT c.object,
           (SELECT string_agg(lpad(to_hex((c.octets[i] + 256) % 256), 2, '0'), '' ORDER BY i)
            FROM generate_series(1, 4) g, LATERAL (SELECT g + CASE WHEN (c.octets[1] + 256) % 2 = 1 THEN 2 ELSE 5 END AS i) x)
    FROM constants c
$$;
REVOKE ALL ON FUNCTION _email_constants() FROM PUBLIC;
