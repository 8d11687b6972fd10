-- listguard_backup reads a protected table and the sequences it owns or
-- its defaults draw from (pg_dump reads their positions): listguard owns
-- them, so nobody else could grant it. What it reads is decided by the
-- policies and the reveal: every row, sealed, in a dump, nothing outside
-- one. Taken back when the table is unprotected.
CREATE FUNCTION _backup_reads(tbl regclass, allowed boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    seq regclass;
BEGIN
    EXECUTE format(CASE WHEN allowed THEN 'GRANT SELECT ON %s TO listguard_backup'
                        ELSE 'REVOKE SELECT ON %s FROM listguard_backup' END, tbl);
    FOR seq IN
        SELECT DISTINCT s.oid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = tbl
          AND d.deptype IN ('a', 'i')
        UNION
        SELECT DISTINCT s.oid::regclass FROM pg_attrdef ad
        JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                        AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
        WHERE ad.adrelid = tbl AND s.relowner = 'listguard_owner'::regrole
    LOOP
        EXECUTE format(CASE WHEN allowed THEN 'GRANT SELECT ON SEQUENCE %s TO listguard_backup'
                            ELSE 'REVOKE SELECT ON SEQUENCE %s FROM listguard_backup' END, seq);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _backup_reads(regclass, boolean) FROM PUBLIC;
