CREATE FUNCTION _remove_canaries(tbl regclass, account bigint, list bigint, roles regrole[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c listguard.canaries;
    p listguard.protected_tables;
    root_table regclass;
    removed integer := 0;
BEGIN
    IF tbl IS NULL THEN
        PERFORM listguard._invalid('table must not be null', 'remove_canaries() removes the canaries of one table.');
    END IF;
    root_table := (SELECT q.root FROM listguard.protected_tables q WHERE q.relid = tbl);
    IF root_table IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('table %s is not protected', tbl),
            HINT = 'Its canaries are removed with it when it is dropped; protect it again to remove them one by one.';
    END IF;
    FOR c IN SELECT * FROM listguard.canaries k
             WHERE k.relid = root_table AND k.role IS NOT NULL AND k.removed_at IS NULL
               AND (_remove_canaries.account IS NULL OR k.account = _remove_canaries.account)
               AND (_remove_canaries.list IS NULL OR k.list = _remove_canaries.list)
               AND (roles IS NULL OR k.role = ANY (roles))
             FOR UPDATE LOOP
        -- Its address in its list: the same mailbox may be a real
        -- subscriber elsewhere.
        SELECT * INTO p FROM listguard.protected_tables q WHERE q.relid = root_table;
        EXECUTE format('DELETE FROM %s t WHERE t.%I = $1 AND t.%I = $2 AND %s', root_table, c.column_name,
                       p.account_column, CASE WHEN p.list_column IS NULL THEN 'true' ELSE format('t.%I = $3', p.list_column) END)
            USING c.address, c.account, c.list;
        UPDATE listguard.canaries k SET removed_at = now(), removed_by = listguard.calling_role() WHERE k.id = c.id;
        removed := removed + 1;
    END LOOP;
    -- Planned canaries of the same roles and lists go too.
    DELETE FROM listguard.canary_plans k
    WHERE k.relid = root_table AND (_remove_canaries.account IS NULL OR k.account = _remove_canaries.account)
      AND (_remove_canaries.list IS NULL OR k.list = _remove_canaries.list) AND (roles IS NULL OR k.role = ANY (roles));
    PERFORM listguard._record_canary_event('remove', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'removed', removed), NULL);
    RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION _remove_canaries(regclass, bigint, bigint, regrole[]) FROM PUBLIC;
