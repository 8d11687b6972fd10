-- A table that became a partition or child of a protected table (by an
-- admin: nobody else may) is protected like its parent.
CREATE FUNCTION _protect_child(child regclass, parent regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    t regclass;
BEGIN
    SELECT * INTO p FROM listguard.protected_tables WHERE relid = parent;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    FOR t IN SELECT child UNION ALL SELECT listguard._descendants(child) LOOP
        PERFORM listguard._take_over_sequences(t);
        PERFORM listguard._refuse_untrusted(t);
        PERFORM listguard._protect_one(t, p.root, p.account_column, p.list_column, p.audit);
    END LOOP;
    FOR t IN SELECT child UNION ALL SELECT listguard._descendants(child) LOOP
        PERFORM listguard._protect_triggers(t, p.audit);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _protect_child(regclass, regclass) FROM PUBLIC;
