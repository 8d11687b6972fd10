-- The stamping and audit triggers of one protected table. protect() adds
-- them after it has stamped the rows already there: a BEFORE ROW trigger,
-- even one that does not fire, makes every updated row be locked first.
CREATE FUNCTION _protect_triggers(tbl regclass, audit text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A partition has the stamping trigger already if its parent is
    -- partitioned: row triggers of a partitioned table are cloned.
    IF NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = 'listguard_stamp') THEN
        EXECUTE format('CREATE TRIGGER listguard_stamp BEFORE INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW '
                       'EXECUTE FUNCTION listguard.stamp_trigger()', tbl);
    END IF;
    IF audit = 'statement' THEN
        EXECUTE format('CREATE TRIGGER listguard_audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH STATEMENT '
                       'EXECUTE FUNCTION listguard.audit_statement_trigger()', tbl);
    END IF;
    -- Row triggers of a partitioned table are cloned to its partitions.
    IF audit = 'row' AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgname = 'listguard_audit_row') THEN
        EXECUTE format('CREATE TRIGGER listguard_audit_row AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW '
                       'EXECUTE FUNCTION listguard.audit_row_trigger()', tbl);
    END IF;
    IF audit <> 'off' THEN
        EXECUTE format('CREATE TRIGGER listguard_audit_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT '
                       'EXECUTE FUNCTION listguard.audit_statement_trigger()', tbl);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _protect_triggers(regclass, text) FROM PUBLIC;
