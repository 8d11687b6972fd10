CREATE FUNCTION _unprotect(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
BEGIN
    SELECT * INTO p FROM listguard.protected_tables WHERE relid = tbl;
    IF NOT FOUND THEN
        RETURN; -- not protected: nothing to do
    END IF;
    IF p.root <> tbl THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
            MESSAGE = format('%s is protected as part of %s', tbl, p.root),
            HINT = format('Unprotect %s: it covers every table below it.', p.root);
    END IF;
    -- Children first: their cloned triggers go with the root's.
    FOR p IN SELECT * FROM listguard.protected_tables WHERE root = tbl ORDER BY relid = tbl LOOP
        PERFORM listguard._drop_protection(p.relid);
        PERFORM listguard._backup_reads(p.relid, false);
        EXECUTE format('ALTER TABLE ONLY %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY', p.relid,
                       CASE WHEN p.rls_was_enabled THEN 'ENABLE' ELSE 'DISABLE' END,
                       CASE WHEN p.rls_was_forced THEN 'FORCE' ELSE 'NO FORCE' END);
        IF p.owner_was IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = p.owner_was) THEN
            EXECUTE format('ALTER TABLE %s OWNER TO %I', p.relid, p.owner_was::text);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _unprotect(regclass) FROM PUBLIC;
