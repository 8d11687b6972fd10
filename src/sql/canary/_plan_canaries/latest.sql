-- Plans per_role canaries for each role (default: every clear reader of the
-- list), each due at a random moment within `over` from now, for
-- plant_due_canaries() to plant: one at a time, among the real signups of
-- that time, so that their ids and times interleave with theirs.
CREATE FUNCTION _plan_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer,
                               over interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    planned integer;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
    IF tbl IS NULL OR account IS NULL THEN
        PERFORM listguard._invalid('table and account must not be null', 'plan_canaries() plans for one list of one table.');
    END IF;
    IF account <= 0 OR list <= 0 THEN
        PERFORM listguard._invalid('invalid account or list id', 'Account and list ids are positive numbers.');
    END IF;
    IF per_role IS NULL OR per_role < 1 OR per_role > 100 THEN
        PERFORM listguard._invalid(format('invalid per_role %s', coalesce(per_role::text, 'null')),
            'Each role gets between 1 and 100 canaries in a list.');
    END IF;
    IF over IS NULL OR over <= interval '0' OR over > interval '366 days' THEN
        PERFORM listguard._invalid(format('invalid period %s', coalesce(over::text, 'null')),
            'Canaries are planned over a period between a moment and a year.');
    END IF;
    SELECT * INTO p FROM listguard.protected_tables q WHERE q.relid = tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('table %s is not protected', tbl),
            HINT = 'Canaries are hidden by listguard''s row policies: protect the table first.';
    END IF;
    PERFORM listguard._refuse_list_code(tbl);
    IF (p.list_column IS NULL) <> (list IS NULL) THEN
        PERFORM listguard._invalid(CASE WHEN list IS NULL THEN format('table %s has lists: say which one', tbl)
                                        ELSE format('table %s has no list column', tbl) END,
            'plan_canaries() plans for one list (or, in a table without lists, one account).');
    END IF;
    IF roles IS NOT NULL AND array_position(roles, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('roles must not hold a null', 'Name each role, or pass NULL for every clear reader.');
    END IF;
    roles := coalesce(roles, ARRAY(
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.reveal = 'clear' AND (g.account IS NULL OR g.account = _plan_canaries.account)
          AND (g.list IS NULL OR g.list = _plan_canaries.list) AND (g.valid_until IS NULL OR g.valid_until > now())
        ORDER BY 1));
    INSERT INTO listguard.canary_plans (relid, account, list, role, due_at, planned_by)
    SELECT p.root, _plan_canaries.account, _plan_canaries.list, r, now() + random() * over, listguard.calling_role()
    FROM unnest(roles) r, generate_series(1, per_role);
    GET DIAGNOSTICS planned = ROW_COUNT;
    PERFORM listguard._record_canary_event('plan', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'per_role', per_role, 'over', over::text,
                           'planned', planned), NULL);
    RETURN planned;
END
$$;
REVOKE ALL ON FUNCTION _plan_canaries(regclass, bigint, bigint, regrole[], integer, interval) FROM PUBLIC;
