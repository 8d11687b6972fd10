-- A protected table that left its parent stays protected, on its own: it
-- becomes the root of what is below it, and gets back the stamping trigger
-- that a partition loses when it is detached.
CREATE FUNCTION _protect_detached(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    t regclass;
BEGIN
    SELECT * INTO p FROM listguard.protected_tables WHERE relid = tbl;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_one(t, tbl, p.account_column, p.list_column, p.audit);
    END LOOP;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_triggers(t, p.audit);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _protect_detached(regclass) FROM PUBLIC;
