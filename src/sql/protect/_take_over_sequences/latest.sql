-- The sequences a protected table's column defaults draw from belong to
-- listguard_owner, as the table does: their owner could otherwise change
-- them under the table (ALTER SEQUENCE) or drop them with CASCADE, taking
-- the default with them. A sequence the table (or, for a partition, its
-- parent) owns goes with it in _protect_one(); one linked to no table,
-- owned by a role that is not trusted (pg_partman's and many
-- applications' set-up), is taken over here, if the table's owner owns it
-- (a default must not hand over another role's sequence). Whoever had USAGE
-- or SELECT keeps it, nobody keeps UPDATE (setval), the former owner gets
-- USAGE and SELECT, and the move is recorded.
CREATE FUNCTION _take_over_sequences(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record;
BEGIN
    FOR s IN
        SELECT DISTINCT c.oid::regclass AS seq, c.relowner::regrole AS owner_was
        FROM pg_attrdef ad
        JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
        JOIN pg_class c ON c.oid = d.refobjid AND c.relkind = 'S'
        WHERE ad.adrelid = tbl AND NOT listguard._is_trusted_owner(c.relowner)
          AND c.relowner = (SELECT t.relowner FROM pg_class t WHERE t.oid = tbl)
          AND NOT EXISTS (SELECT 1 FROM pg_depend o
                          WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid
                            AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO listguard_owner', s.seq);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', s.seq, s.owner_was::text);
        PERFORM listguard._restrict_sequence(s.seq);
        PERFORM listguard._record_protection_event(tbl, jsonb_build_object(
            'action', 'take over sequence', 'sequence', s.seq::text, 'owner_was', s.owner_was::text));
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _take_over_sequences(regclass) FROM PUBLIC;
