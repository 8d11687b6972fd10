CREATE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    email_column name;
    scope_filter text;
    copied text;
    styles text[];
    not_canary text;
    template_tables oid[];
    template_rows tid[];
    template_count integer;
    target regrole;
    canary_id bigint;
    stamped listguard.email;
    planted integer := 0;
    inserted boolean;
    next_template integer := 0;
    citus boolean;
    template_json jsonb[];
BEGIN
    IF tbl IS NULL OR account IS NULL THEN
        PERFORM listguard._invalid('table and account must not be null', 'plant_canaries() plants into one list of one table.');
    END IF;
    IF account <= 0 OR list <= 0 THEN
        PERFORM listguard._invalid('invalid account or list id', 'Account and list ids are positive numbers.');
    END IF;
    IF per_role IS NULL OR per_role < 1 OR per_role > 100 THEN
        PERFORM listguard._invalid(format('invalid per_role %s', coalesce(per_role::text, 'null')),
            'Each role gets between 1 and 100 canaries in a list.');
    END IF;
    SELECT * INTO p FROM listguard.protected_tables q WHERE q.relid = tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('table %s is not protected', tbl),
            HINT = 'Canaries are hidden by listguard''s row policies: protect the table first.';
    END IF;
    IF (p.list_column IS NULL) <> (list IS NULL) THEN
        PERFORM listguard._invalid(CASE WHEN list IS NULL THEN format('table %s has lists: say which one', tbl)
                                        ELSE format('table %s has no list column', tbl) END,
            'plant_canaries() plants into one list (or, in a table without lists, one account).');
    END IF;
    email_column := listguard._canary_column(tbl);
    IF email_column IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
            MESSAGE = format('table %s has no listguard.email column', tbl);
    END IF;
    IF roles IS NOT NULL AND array_position(roles, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('roles must not hold a null', 'Name each role, or pass NULL for every clear reader.');
    END IF;
    -- By default: every role with a clear grant on the list.
    roles := coalesce(roles, ARRAY(
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.reveal = 'clear' AND g.grantee IS NOT NULL AND (g.account IS NULL OR g.account = _plant_canaries.account)
          AND (g.list IS NULL OR g.list = _plant_canaries.list) AND (g.valid_until IS NULL OR g.valid_until > now())
        ORDER BY 1));
    IF cardinality(roles) = 0 THEN
        RAISE NOTICE 'listguard: no role reads this list in clear; no canary planted';
        RETURN 0;
    END IF;

    scope_filter := format('t.%I = %s', p.account_column, account)
                    || CASE WHEN list IS NULL THEN '' ELSE format(' AND t.%I = %s', p.list_column, list) END;
    -- A Citus table's rows are on other nodes: its queries cannot correlate
    -- with listguard's own tables, and its rows are copied by value.
    citus := listguard._citus_table(tbl);
    IF citus THEN
        not_canary := format('NOT (t.%I OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT c.address FROM listguard.canaries c)))',
                             email_column);
    ELSE
        not_canary := format('NOT EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.address = t.%I)', email_column);
    END IF;
    -- The local-part styles of the list's real addresses.
    EXECUTE format('SELECT array_agg(s) FROM (SELECT listguard._local_part_style(t.%I) s FROM %s t '
                   'WHERE %s AND %s AND t.%I IS NOT NULL ORDER BY random() LIMIT 500) x WHERE s IS NOT NULL',
                   email_column, tbl, scope_filter, not_canary, email_column) INTO styles;
    -- A canary row copies every column of a real row of the list but its
    -- address, and columns that draw their value (serials, identities,
    -- timestamps of insertion) take their defaults.
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO copied
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
      AND a.attname <> email_column
      AND (d.oid IS NULL OR d.adbin::text LIKE '{CONST %' OR a.attname IN (p.account_column, p.list_column));
    IF citus THEN
        IF (SELECT count(*) FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
            WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
              AND (a.atttypid = 'listguard.email'::regtype
                   OR (ty.typtype = 'd' AND ty.typbasetype = 'listguard.email'::regtype))) > 1 THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = format('cannot plant canaries in Citus table %s with more than one listguard.email column', tbl),
                DETAIL = 'Canary rows copy the other columns of a real row by value, and an address would be copied as '
                         'the planting role sees it.';
        END IF;
        EXECUTE format('SELECT array_agg(x.j) FROM (SELECT pg_catalog.to_jsonb(t) OPERATOR(pg_catalog.-) %L AS j '
                       'FROM %s t WHERE %s AND %s ORDER BY random() LIMIT $1) x', email_column, tbl, scope_filter,
                       not_canary)
            INTO template_json USING cardinality(roles) * per_role * 2 + 10;
        template_count := coalesce(cardinality(template_json), 0);
    ELSE
        EXECUTE format('SELECT array_agg(x.tableoid), array_agg(x.ctid) FROM (SELECT t.tableoid, t.ctid FROM %s t '
                       'WHERE %s AND %s ORDER BY random() LIMIT $1) x', tbl, scope_filter, not_canary)
            INTO template_tables, template_rows USING cardinality(roles) * per_role * 2 + 10;
        template_count := coalesce(cardinality(template_rows), 0);
    END IF;
    IF template_count = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = 'the list has no rows to model canaries on',
            DETAIL = 'A canary row copies the columns of a real row of its list, so that nothing sets it apart.';
    END IF;

    PERFORM listguard._canary_policies(p.root);
    -- The roles' canaries in a random order, not one role's after another's.
    FOR target IN SELECT r FROM unnest(roles) r, generate_series(1, per_role) ORDER BY random() LOOP
        canary_id := listguard._take_canary_address(tbl, email_column, scope_filter, styles);
        -- Stamped for its list and marked as a canary (a mark no role can
        -- make: an address a role types in is never taken for one).
        SELECT listguard._as_canary(listguard._stamped(c.address, _plant_canaries.account,
                                                       coalesce(_plant_canaries.list, 0))) INTO stamped
        FROM listguard.canaries c WHERE c.id = canary_id;
        -- Each canary row in a transaction of its own (a subtransaction),
        -- so its xmin is not shared with the others. A template whose
        -- copy breaks a unique constraint is passed over.
        inserted := false;
        FOR attempt IN 1..5 LOOP
            next_template := next_template % template_count + 1;
            BEGIN
                IF citus THEN
                    EXECUTE format('INSERT INTO %1$s (%2$s, %3$I) SELECT %2$s, $1 '
                                   'FROM pg_catalog.jsonb_populate_record(NULL::%1$s, $2) t', tbl, copied, email_column)
                        USING stamped, template_json[next_template];
                ELSE
                    EXECUTE format('INSERT INTO %1$s (%2$s, %3$I) SELECT %2$s, $1 FROM %1$s t '
                                   'WHERE t.tableoid = $2 AND t.ctid = $3', tbl, copied, email_column)
                        USING stamped, template_tables[next_template], template_rows[next_template];
                END IF;
                inserted := true;
            EXCEPTION WHEN unique_violation OR exclusion_violation THEN
                NULL;
            END;
            EXIT WHEN inserted;
        END LOOP;
        IF NOT inserted THEN
            RAISE EXCEPTION USING ERRCODE = 'unique_violation',
                MESSAGE = format('could not plant a canary in %s: copies of its rows break a unique constraint', tbl),
                HINT = 'Give the unique columns a default (a sequence, gen_random_uuid()), so canary rows draw '
                       'their own values.';
        END IF;
        UPDATE listguard.canaries c SET address = stamped, role = target, relid = p.root, column_name = email_column,
            account = _plant_canaries.account, list = _plant_canaries.list,
            planted_by = listguard.calling_role(), planted_at = now()
        WHERE c.id = canary_id;
        planted := planted + 1;
    END LOOP;
    PERFORM listguard._record_canary_event('plant', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'per_role', per_role, 'planted', planted), NULL);
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_canaries(regclass, bigint, bigint, regrole[], integer) FROM PUBLIC;
