-- Refuses to plan or plant canaries in a table whose inserts run code of
-- its own: an enabled user trigger (row or statement, on INSERT) or an
-- ON INSERT rule, other than listguard's. Such code would run for each
-- canary row as for a signup's, and whatever it writes (an outbox, a CRM
-- sync, a NOTIFY) is outside listguard's row policies: whoever reads it
-- would spot the canaries and could copy other roles' into a leak of his
-- own (test/attacks 104, docs/canaries.md).
CREATE FUNCTION _refuse_list_code(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found text;
BEGIN
    -- The table, its partitions and inheritance children (an insert
    -- through the root runs the leaf's triggers too).
    SELECT string_agg(x.what, ', ' ORDER BY x.what) INTO found FROM (
        SELECT format('trigger %I on %s', t.tgname, t.tgrelid::regclass) AS what
        FROM pg_trigger t JOIN pg_proc f ON f.oid = t.tgfoid
        WHERE t.tgrelid IN (SELECT relid FROM pg_partition_tree(tbl) UNION SELECT inhrelid FROM pg_inherits WHERE inhparent = tbl
                            UNION SELECT tbl)
          AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 4) <> 0
          AND f.pronamespace <> 'listguard'::regnamespace
        UNION ALL
        SELECT format('rule %I on %s', r.rulename, r.ev_class::regclass)
        FROM pg_rewrite r
        WHERE r.ev_class IN (SELECT relid FROM pg_partition_tree(tbl) UNION SELECT tbl)
          AND r.ev_type = '3' AND r.ev_enabled <> 'D') x;
    IF found IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('cannot plant canaries in %s: its inserts run code of its own', tbl),
            DETAIL = format('The table has %s. It would run for each canary row as for a signup''s, and whatever it '
                            'writes outside the list would show the canaries to whoever reads it.', found),
            HINT = 'Move that work out of the table''s triggers and rules (the application, or a job that reads the '
                   'list as a role with a masked grant), or disable them, then plan canaries.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _refuse_list_code(regclass) FROM PUBLIC;
