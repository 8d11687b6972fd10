-- Removes listguard's policies and triggers from a table (not the triggers a
-- partition has cloned from its parent: they go with the parent's).
CREATE FUNCTION _drop_protection(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET client_min_messages = warning AS $$
DECLARE
    policy text;
    trigger_name name;
BEGIN
    -- Citus drops triggers of its tables (and their shards') only when told
    -- to (undone when listguard's elevated call ends).
    IF listguard._citus_table(tbl) THEN
        PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    END IF;
    FOREACH policy IN ARRAY ARRAY['listguard_base', 'listguard_read', 'listguard_insert', 'listguard_update',
                                  'listguard_delete'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', policy, tbl);
    END LOOP;
    FOR trigger_name IN SELECT t.tgname FROM pg_trigger t
                        WHERE t.tgrelid = tbl AND t.tgparentid = 0
                          AND t.tgname IN ('listguard_stamp', 'listguard_audit', 'listguard_audit_row',
                                           'listguard_audit_truncate') LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', trigger_name, tbl);
    END LOOP;
    DELETE FROM listguard.protected_tables WHERE relid = tbl;
END
$$;
REVOKE ALL ON FUNCTION _drop_protection(regclass) FROM PUBLIC;
