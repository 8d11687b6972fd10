CREATE FUNCTION _protect(tbl regclass, account_column name, list_column name, audit text, stamp text)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind "char";
    persistence "char";
    parent regclass;
    t regclass;
    column_type regtype;
    scope name;
BEGIN
    IF tbl IS NULL OR account_column IS NULL THEN
        PERFORM listguard._invalid('table and account column must not be null', 'protect() needs both.');
    END IF;
    IF audit IS NULL OR audit NOT IN ('statement', 'row', 'off') THEN
        PERFORM listguard._invalid(format('invalid audit level %L', audit),
            'The audit level must be statement, row or off.');
    END IF;
    IF stamp IS NULL OR stamp NOT IN ('now', 'later') THEN
        PERFORM listguard._invalid(format('invalid stamp %L', stamp),
            'now stamps the rows the table already holds before protect() returns; later leaves that to '
            'CALL listguard.stamp_existing(), in committed batches.');
    END IF;
    SELECT c.relkind, c.relpersistence INTO kind, persistence FROM pg_class c WHERE c.oid = tbl;
    IF kind NOT IN ('r', 'p') OR persistence = 't'
       OR (SELECT c.relnamespace FROM pg_class c WHERE c.oid = tbl) IN ('pg_catalog'::regnamespace,
                                                                       'listguard'::regnamespace) THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type', MESSAGE = format('%s is not a table that can be protected', tbl),
            DETAIL = 'Only ordinary and partitioned tables outside pg_catalog and listguard, and not temporary, can be protected.';
    END IF;
    -- Rows of a table are read through its parents under the parents'
    -- policies only: protection starts at the top.
    SELECT i.inhparent::regclass INTO parent FROM pg_inherits i WHERE i.inhrelid = tbl LIMIT 1;
    IF parent IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
            MESSAGE = format('%s is a partition or child of %s', tbl, parent),
            DETAIL = 'Its rows can be read through its parent, which protecting this table alone would leave open.',
            HINT = format('Protect %s instead: protecting a table protects every table below it.', parent);
    END IF;
    -- Nobody changes the tables while they are checked and protected.
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        FOREACH scope IN ARRAY ARRAY[account_column, list_column] LOOP
            CONTINUE WHEN scope IS NULL;
            SELECT a.atttypid::regtype INTO column_type FROM pg_attribute a
            WHERE a.attrelid = t AND a.attname = scope AND a.attnum > 0 AND NOT a.attisdropped;
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'undefined_column',
                    MESSAGE = format('column %I of table %s does not exist', scope, t);
            END IF;
            IF column_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
                RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
                    MESSAGE = format('column %I of table %s is of type %s', scope, t, column_type),
                    DETAIL = 'Account and list columns must be smallint, integer or bigint.';
            END IF;
        END LOOP;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                   WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
                     AND (a.atttypid = 'listguard.email'::regtype OR
                          (ty.typtype = 'd' AND ty.typbasetype = 'listguard.email'::regtype))) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_table_definition',
            MESSAGE = format('table %s has no listguard.email column', tbl),
            DETAIL = 'protect() stamps and polices listguard.email values; this table has none.';
    END IF;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._take_over_sequences(t);
        PERFORM listguard._refuse_untrusted(t);
    END LOOP;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_one(t, tbl, account_column, list_column, audit);
    END LOOP;
    -- The rows already there take their stamps, so that grants scoped to an
    -- account or list read them as they read new ones. Nothing else sees the
    -- tables until this transaction ends: they are locked.
    IF stamp = 'now' AND listguard._citus_table(tbl) THEN
        -- A Citus table's rows are in its shards, on every node.
        PERFORM listguard._citus_stamp(tbl);
    ELSIF stamp = 'now' THEN
        PERFORM listguard._stamp_batch(p.relid, 0, p.blocks + 1) FROM listguard._stamp_plan(tbl) p;
    END IF;
    -- Citus creates triggers on the shards of its tables only when told to
    -- (undone when this function's elevated call ends). It creates, copies
    -- and moves shards as the table's owner, listguard_owner: that role logs
    -- in, as Citus's internal connections only (listguard refuses any other
    -- login of it), and creates tables in the table's schema.
    IF listguard._citus_table(tbl) THEN
        PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
        IF NOT (SELECT r.rolcanlogin FROM pg_roles r WHERE r.rolname = 'listguard_owner') THEN
            ALTER ROLE listguard_owner LOGIN;
        END IF;
        EXECUTE format('GRANT CREATE ON SCHEMA %I TO listguard_owner',
                       (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl));
    END IF;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_triggers(t, audit);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _protect(regclass, name, name, text, text) FROM PUBLIC;
