-- Plants canary rows that look like the list's own (docs/canaries.md):
--
-- - from a sample of the list's real rows: which text columns are names
--   (their values show in the local parts), how each row's local part is
--   made from its names (a template: {0}.{1}99, {0i}{1}, w99, ...), and the
--   domains with their shares;
-- - each canary takes the template and the domain of a random real row;
--   its names are drawn column by column from other random rows, and its
--   address is made from them in that template: at a canary domain when
--   the row's domain is a rare one (the long tail every list has), or a
--   mailbox from the pool at the row's provider when it is a common one,
--   the names then taken from the mailbox (so that they fit its address);
-- - every other column is drawn from a random real row of its own, one
--   column at a time (no canary duplicates a real row), numbers and times
--   that are nearly unique in the list are drawn between two rows' values,
--   and columns that draw their value (serials, identities, defaults such
--   as now()) take their defaults, as a new signup's would;
-- - columns that go with those (test/attacks 102) keep the relation the
--   real rows show: each time column (a confirmation, a last open) is the
--   canary's own insertion time (the first time column with a default such
--   as now()) plus one real row's offset from its insertion time, all from
--   the same row, so their order and spacing are a real row's; a number
--   that grows with the row's id (a serial or identity: an external id, a
--   CRM number) continues from the row before the canary's id by part of
--   a step drawn from a real row and its predecessor (the next signup's
--   value, assigned without knowing of the canary, is to stay above it).
--
-- Each canary row is inserted in a subtransaction of its own, so that no
-- two share an xmin; plant one role at a time among real signups
-- (plant_due_canaries()) so that ids and times interleave with theirs.
CREATE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    email_column name;
    scope_filter text;
    not_canary text;
    sample_tables oid[];
    sample_rows tid[];
    sample_count integer;
    col record;
    name_columns name[] := '{}';
    name_types text[] := '{}';
    drawn_columns name[] := '{}';
    spread_columns name[] := '{}';
    spread_types text[] := '{}';
    rate float8;
    templates text[];
    template_domains text[];
    known_names text[];
    domain_counts jsonb;
    popular_share float8;
    canary_domains text[];
    domain_use jsonb := '{}';
    target regrole;
    canary_id bigint;
    names text[];
    fitted text[];
    stamped listguard.email;
    planted integer := 0;
    inserted boolean;
    pick integer;
    a integer;
    b integer;
    tmpl text;
    tmpl_domain text;
    exprs text[];
    value text;
    -- A Citus table's rows are on other nodes: the sample is copied, by
    -- value, into a local table (src), and what needs the address is
    -- computed where the rows are.
    citus boolean;
    stmt text;
    leaf oid;
    src text;
    drawn_types text[] := '{}';
    -- The insertion time and id columns, and the columns that go with them.
    anchor_time name;
    anchor_time_expr text;
    anchor_time_type text;
    anchor_time_value text;
    time_columns name[] := '{}';
    time_types text[] := '{}';
    anchor_id name;
    anchor_id_expr text;
    anchor_id_identity boolean := false;
    anchor_id_value numeric;
    id_columns name[] := '{}';
    id_types text[] := '{}';
    id_slopes float8[] := '{}';
    prev_id numeric;
    prev_value numeric;
    slope float8;
    related text[];
    value_null boolean;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
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
    PERFORM listguard._refuse_list_code(tbl);
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
    citus := listguard._citus_table(tbl);
    IF citus THEN
        -- Its queries cannot correlate with listguard's own tables.
        not_canary := format('NOT (t.%I OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT c.address FROM listguard.canaries c)))',
                             email_column);
        IF (SELECT count(*) FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
            WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
              AND (a.atttypid = 'listguard.email'::regtype
                   OR (ty.typtype = 'd' AND ty.typbasetype = 'listguard.email'::regtype))) > 1 THEN
            RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
                MESSAGE = format('cannot plant canaries in Citus table %s with more than one listguard.email column', tbl),
                DETAIL = 'Canary rows copy the other columns of real rows by value, and an address would be copied as '
                         'the planting role sees it.';
        END IF;
        DROP TABLE IF EXISTS pg_temp.lg_plant_rows;
        EXECUTE format('CREATE TEMP TABLE lg_plant_rows ON COMMIT DROP AS SELECT * FROM %s WITH NO DATA', tbl);
        EXECUTE format('INSERT INTO pg_temp.lg_plant_rows SELECT * FROM pg_catalog.jsonb_populate_recordset('
                       'NULL::pg_temp.lg_plant_rows, (SELECT pg_catalog.jsonb_agg(x.j) FROM ('
                       'SELECT pg_catalog.to_jsonb(t) OPERATOR(pg_catalog.-) %L AS j FROM %s t '
                       'WHERE %s AND %s AND t.%I IS NOT NULL ORDER BY random() LIMIT 1000) x))',
                       email_column, tbl, scope_filter, not_canary, email_column);
        src := 'pg_temp.lg_plant_rows';
        SELECT array_agg(t.tableoid), array_agg(t.ctid) INTO sample_tables, sample_rows FROM pg_temp.lg_plant_rows t;
    ELSE
        not_canary := format('NOT EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.address = t.%I)', email_column);
        src := tbl::text;
        -- A sample of the list's real rows.
        EXECUTE format('SELECT array_agg(x.tableoid), array_agg(x.ctid) FROM (SELECT t.tableoid, t.ctid FROM %s t '
                       'WHERE %s AND %s AND t.%I IS NOT NULL ORDER BY random() LIMIT 1000) x',
                       tbl, scope_filter, not_canary, email_column)
            INTO sample_tables, sample_rows;
    END IF;
    sample_count := coalesce(cardinality(sample_rows), 0);
    IF sample_count = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = 'the list has no rows to model canaries on',
            DETAIL = 'A canary row is made like the real rows of its list, so that nothing sets it apart.';
    END IF;
    CREATE TEMP TABLE IF NOT EXISTS pg_temp.lg_plant_sample (n integer, rel oid, row_tid tid) ON COMMIT DROP;
    TRUNCATE pg_temp.lg_plant_sample;
    INSERT INTO pg_temp.lg_plant_sample SELECT g, sample_tables[g], sample_rows[g] FROM generate_series(1, sample_count) g;

    -- The insertion time (a timestamp column whose default is drawn, such as
    -- now()) and the id (a serial or identity), which a canary takes when it
    -- is planted: other time columns, and numbers that grow with the id, are
    -- drawn relative to them (not on Citus tables).
    IF NOT citus THEN
        SELECT a.attname, pg_get_expr(d.adbin, d.adrelid), format_type(a.atttypid, a.atttypmod)
        INTO anchor_time, anchor_time_expr, anchor_time_type
        FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
          AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype) AND d.adbin::text NOT LIKE '{CONST %'
        ORDER BY a.attnum LIMIT 1;
        SELECT a.attname, CASE WHEN a.attidentity <> ''
                               THEN format('pg_catalog.nextval(%L::regclass)', pg_get_serial_sequence(tbl::text, a.attname))
                               ELSE pg_get_expr(d.adbin, d.adrelid) END, a.attidentity <> ''
        INTO anchor_id, anchor_id_expr, anchor_id_identity
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
          AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype)
          AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
        ORDER BY a.attnum LIMIT 1;
    END IF;

    -- The columns: names (text columns that the local parts show), columns
    -- drawn between two values (nearly unique numbers and times), columns
    -- copied from a random row (the others). Columns that draw their own
    -- value take it, the account and list are the list's.
    FOR col IN
        SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
          AND a.attname <> email_column AND a.attname NOT IN (p.account_column, coalesce(p.list_column, ''))
          AND (d.oid IS NULL OR d.adbin::text LIKE '{CONST %')
        ORDER BY a.attnum
    LOOP
        IF col.typcategory = 'S' AND citus THEN
            EXECUTE format('SELECT avg(x.f::int) FROM (SELECT listguard._local_part_template(t.%I, ARRAY[t.%I::text]) '
                           'LIKE ''%%{%%'' AS f FROM %s t WHERE %s AND t.%I IS NOT NULL AND t.%I IS NOT NULL '
                           'ORDER BY random() LIMIT 300) x', email_column, col.attname, tbl, scope_filter, email_column,
                           col.attname)
                INTO rate;
        ELSIF col.typcategory = 'S' THEN
            EXECUTE format('SELECT avg((listguard._local_part_template(t.%I, ARRAY[t.%I::text]) LIKE ''%%{%%'')::int) '
                           'FROM %s t JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid '
                           'WHERE s.n <= 300 AND t.%I IS NOT NULL', email_column, col.attname, tbl, col.attname)
                INTO rate;
        END IF;
        IF col.typcategory = 'S' THEN
            IF rate >= 0.2 THEN
                name_columns := name_columns || col.attname;
                name_types := name_types || col.type;
                CONTINUE;
            END IF;
        END IF;
        IF anchor_time IS NOT NULL
           AND col.type ~ '^(timestamp|date)' THEN
            time_columns := time_columns || col.attname;
            time_types := time_types || col.type;
            CONTINUE;
        END IF;
        IF anchor_id IS NOT NULL AND col.typcategory = 'N' THEN
            -- Grows with the id: ranks that go together, in the sample.
            EXECUTE format('SELECT corr(x.ri, x.rv), regr_slope(x.v, x.i) FROM (SELECT t.%1$I::float8 AS i, '
                           't.%2$I::float8 AS v, rank() OVER (ORDER BY t.%1$I) AS ri, rank() OVER (ORDER BY t.%2$I) AS rv '
                           'FROM %3$s t JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid '
                           'WHERE t.%2$I IS NOT NULL) x', anchor_id, col.attname, src)
                INTO rate, slope;
            IF rate >= 0.95 AND sample_count >= 20 THEN
                id_columns := id_columns || col.attname;
                id_types := id_types || col.type;
                id_slopes := id_slopes || slope;
                CONTINUE;
            END IF;
        END IF;
        IF col.typcategory IN ('N', 'D') THEN
            EXECUTE format('SELECT count(DISTINCT t.%1$I)::float8 / greatest(count(t.%1$I), 1) FROM %2$s t '
                           'JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid',
                           col.attname, src)
                INTO rate;
            IF rate >= 0.9 AND sample_count >= 20 THEN
                spread_columns := spread_columns || col.attname;
                spread_types := spread_types || col.type;
                CONTINUE;
            END IF;
        END IF;
        drawn_columns := drawn_columns || col.attname;
        drawn_types := drawn_types || col.type;
    END LOOP;

    -- How the sampled rows' local parts are made from their names, and
    -- their domains.
    IF citus THEN
        -- Computed on the nodes, from another sample of the list.
        EXECUTE format('SELECT array_agg(x.tp), array_agg(x.dm) FROM ('
                       'SELECT listguard._local_part_template(t.%1$I, ARRAY[%2$s]::text[]) AS tp, '
                       'listguard._address_domain(t.%1$I) AS dm FROM %3$s t WHERE %4$s AND %5$s AND t.%1$I IS NOT NULL '
                       'ORDER BY random() LIMIT $1) x',
                       email_column,
                       coalesce((SELECT string_agg(format('t.%I::text', c), ', ') FROM unnest(name_columns) c), ''),
                       tbl, scope_filter, not_canary)
            INTO templates, template_domains USING sample_count;
    ELSE
        EXECUTE format('SELECT array_agg(listguard._local_part_template(t.%1$I, ARRAY[%2$s]::text[]) ORDER BY s.n), '
                       'array_agg(listguard._address_domain(t.%1$I) ORDER BY s.n) '
                       'FROM %3$s t JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid',
                       email_column,
                       coalesce((SELECT string_agg(format('t.%I::text', c), ', ') FROM unnest(name_columns) c), ''), tbl)
            INTO templates, template_domains;
    END IF;
    -- The names the list has (a mailbox's local part gives its row names
    -- only if they are names the list has).
    IF cardinality(name_columns) > 0 THEN
        EXECUTE format('SELECT array_agg(DISTINCT w) FROM %s t JOIN pg_temp.lg_plant_sample s '
                       'ON s.rel = t.tableoid AND s.row_tid = t.ctid, '
                       'LATERAL regexp_split_to_table(lower(concat_ws('' '', %s)), ''[^a-z]+'') w WHERE w <> ''''',
                       src, (SELECT string_agg(format('t.%I::text', c), ', ') FROM unnest(name_columns) c))
            INTO known_names;
    END IF;
    SELECT jsonb_object_agg(d.domain, d.n) INTO domain_counts
    FROM (SELECT x AS domain, count(*) AS n FROM unnest(template_domains) x GROUP BY x) d;
    -- A provider with at least 1 % of the list is a common one.
    popular_share := greatest(3, 0.01 * sample_count);
    canary_domains := array_remove(regexp_split_to_array(lower(current_setting('listguard.canary_domains')), '\s*,\s*'), '');
    -- How many canaries of this list each canary domain has: each new one goes
    -- to the least used, so that none stands out by its count.
    SELECT coalesce(jsonb_object_agg(x.domain, x.n), '{}') INTO domain_use
    FROM (SELECT listguard._address_domain(c.address) AS domain, count(*) AS n FROM listguard.canaries c
          WHERE c.account = _plant_canaries.account AND c.list IS NOT DISTINCT FROM _plant_canaries.list
            AND c.origin = 'generated' AND c.role IS NOT NULL
          GROUP BY 1) x;

    PERFORM listguard._canary_policies(p.root);
    -- The roles' canaries in a random order, not one role's after another's.
    FOR target IN SELECT r FROM unnest(roles) r, generate_series(1, per_role) ORDER BY random() LOOP
        inserted := false;
        FOR attempt IN 1..20 LOOP
            -- The real row whose local part and domain the canary's follow.
            pick := 1 + floor(random() * sample_count)::int;
            tmpl := templates[pick];
            tmpl_domain := template_domains[pick];
            CONTINUE WHEN tmpl IS NULL;
            -- Names, each from a random row.
            names := '{}';
            FOR i IN 1..coalesce(cardinality(name_columns), 0) LOOP
                EXECUTE format('SELECT t.%I::text FROM %s t JOIN pg_temp.lg_plant_sample s '
                               'ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $1', name_columns[i], src)
                    INTO value USING 1 + floor(random() * sample_count)::int;
                names := names || coalesce(value, '');
            END LOOP;
            SELECT x.id, x.fitted INTO canary_id, fitted
            FROM listguard._canary_address(tbl, email_column, scope_filter, tmpl, tmpl_domain,
                                           coalesce((domain_counts->>tmpl_domain)::float8, 0) >= popular_share,
                                           names, templates, coalesce(known_names, '{}'), canary_domains,
                                           domain_use) x;
            CONTINUE WHEN canary_id IS NULL;
            names := fitted;
            -- Stamped for its list and marked as a canary (a mark no role can
            -- make: an address a role types in is never taken for one).
            SELECT listguard._as_canary(listguard._stamped(c.address, _plant_canaries.account,
                                                           coalesce(_plant_canaries.list, 0))) INTO stamped
            FROM listguard.canaries c WHERE c.id = canary_id;
            exprs := ARRAY[format('%s::%s', account, format_type(
                               (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = p.account_column), NULL))];
            IF list IS NOT NULL THEN
                exprs := exprs || format('%s::%s', list, format_type(
                               (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = p.list_column), NULL));
            END IF;
            FOR i IN 1..coalesce(cardinality(name_columns), 0) LOOP
                exprs := exprs || format('%L::%s', nullif(names[i], ''), name_types[i]);
            END LOOP;
            FOR i IN 1..coalesce(cardinality(drawn_columns), 0) LOOP
                pick := 1 + floor(random() * sample_count)::int;
                IF citus THEN
                    -- By value: an INSERT into a Citus table takes no subquery.
                    EXECUTE format('SELECT t.%I::text FROM %s t WHERE t.tableoid = $1 AND t.ctid = $2',
                                   drawn_columns[i], src)
                        INTO value USING sample_tables[pick], sample_rows[pick];
                    exprs := exprs || format('%L::%s', value, drawn_types[i]);
                ELSE
                    exprs := exprs || format('(SELECT t.%I FROM %s t WHERE t.tableoid = %s AND t.ctid = %L)',
                                             drawn_columns[i], tbl, sample_tables[pick], sample_rows[pick]);
                END IF;
            END LOOP;
            FOR i IN 1..coalesce(cardinality(spread_columns), 0) LOOP
                a := 1 + floor(random() * sample_count)::int;
                b := 1 + floor(random() * sample_count)::int;
                EXECUTE format('SELECT CASE WHEN x.v IS NULL OR y.v IS NULL THEN coalesce(x.v, y.v)::text '
                               'ELSE (%4$s)::%2$s::text END '
                               'FROM (SELECT t.%1$I AS v FROM %3$s t JOIN pg_temp.lg_plant_sample s '
                               '      ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $1) x, '
                               '     (SELECT t.%1$I AS v FROM %3$s t JOIN pg_temp.lg_plant_sample s '
                               '      ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $2) y',
                               spread_columns[i], spread_types[i], src,
                               CASE WHEN (SELECT t.typcategory = 'D' FROM pg_type t WHERE t.oid = spread_types[i]::regtype)
                                    THEN 'to_timestamp(extract(epoch FROM x.v) + (extract(epoch FROM y.v) '
                                         '- extract(epoch FROM x.v)) * random())'
                                    -- In the values' own precision.
                                    ELSE 'round(x.v::numeric + (y.v::numeric - x.v::numeric) * random()::numeric, '
                                         'greatest(scale(x.v::numeric), scale(y.v::numeric)))' END)
                    INTO value USING a, b;
                exprs := exprs || format('%L::%s', value, spread_types[i]);
            END LOOP;
            -- The insertion time as its default gives it, and the time columns
            -- at one real row's offsets from that row's insertion time.
            related := '{}';
            IF cardinality(time_columns) > 0 THEN
                EXECUTE format('SELECT (%s)::text', anchor_time_expr) INTO anchor_time_value;
                a := 1 + floor(random() * sample_count)::int;
                EXECUTE format('SELECT ARRAY[%s] FROM %s t JOIN pg_temp.lg_plant_sample s '
                               'ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $1',
                               (SELECT string_agg(format('CASE WHEN t.%1$I IS NULL OR t.%2$I IS NULL THEN t.%1$I::text '
                                                         'ELSE ($2::%3$s + (t.%1$I::%3$s - t.%2$I))::%4$s::text END',
                                                         c.col, anchor_time, anchor_time_type, c.typ), ', ' ORDER BY c.n)
                                FROM unnest(time_columns, time_types) WITH ORDINALITY c(col, typ, n)), src)
                    INTO related USING a, anchor_time_value;
                exprs := exprs || format('%L::%s', anchor_time_value, anchor_time_type);
                FOR i IN 1..cardinality(time_columns) LOOP
                    exprs := exprs || format('%L::%s', related[i], time_types[i]);
                END LOOP;
            END IF;
            -- The id as its default gives it, and the numbers that grow with
            -- it continuing from the row before, at a real row's rate.
            IF cardinality(id_columns) > 0 THEN
                EXECUTE format('SELECT (%s)::numeric', anchor_id_expr) INTO anchor_id_value;
                exprs := exprs || format('%s', anchor_id_value);
                FOR i IN 1..cardinality(id_columns) LOOP
                    EXECUTE format('SELECT t.%2$I::numeric, t.%1$I::numeric FROM %3$s t WHERE t.%2$I < $1 '
                                   'AND t.%1$I IS NOT NULL ORDER BY t.%2$I DESC LIMIT 1', id_columns[i], anchor_id, tbl)
                        INTO prev_id, prev_value USING anchor_id_value;
                    a := 1 + floor(random() * sample_count)::int;
                    EXECUTE format('SELECT t.%1$I IS NULL, (t.%1$I::numeric - p.v)::float8 / nullif(t.%2$I - p.i, 0) '
                                   'FROM %3$s t JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid '
                                   'LEFT JOIN LATERAL (SELECT u.%2$I AS i, u.%1$I::numeric AS v FROM %3$s u '
                                   'WHERE u.%2$I < t.%2$I AND u.%1$I IS NOT NULL ORDER BY u.%2$I DESC LIMIT 1) p ON true '
                                   'WHERE s.n = $1', id_columns[i], anchor_id, tbl)
                        INTO value_null, slope USING a;
                    IF value_null OR prev_id IS NULL THEN
                        value := NULL; -- as that row's (null), or no row before it
                    ELSE
                        -- Part of a real step: the next signup's value,
                        -- which does not know of the canary, is to follow it.
                        slope := greatest(coalesce(slope, id_slopes[i], 0), 0) * (anchor_id_value - prev_id) * random();
                        value := round(prev_value + greatest(round(slope::numeric, scale(prev_value)),
                                                             CASE WHEN slope > 0 THEN power(10::numeric, -scale(prev_value))
                                                                  ELSE 0 END), scale(prev_value))::text;
                    END IF;
                    exprs := exprs || format('%L::%s', value, id_types[i]);
                END LOOP;
            END IF;
            -- Each canary row in a transaction of its own (a subtransaction),
            -- so its xmin is not shared with the others. One whose values
            -- break a unique constraint is drawn again.
            BEGIN
                stmt := format('INSERT INTO %s (%s) %s VALUES (%s, $1)', tbl,
                               (SELECT string_agg(quote_ident(c), ', ')
                                FROM unnest(ARRAY[p.account_column] || CASE WHEN list IS NULL THEN '{}'::name[]
                                                                            ELSE ARRAY[p.list_column] END
                                            || name_columns || drawn_columns || spread_columns
                                            || CASE WHEN cardinality(time_columns) > 0 THEN anchor_time || time_columns
                                                    ELSE '{}'::name[] END
                                            || CASE WHEN cardinality(id_columns) > 0 THEN anchor_id || id_columns
                                                    ELSE '{}'::name[] END
                                            || ARRAY[email_column]) c),
                               CASE WHEN anchor_id_identity AND cardinality(id_columns) > 0 THEN 'OVERRIDING SYSTEM VALUE'
                                    ELSE '' END,
                               array_to_string(exprs, ', '));
                IF citus THEN
                    EXECUTE stmt USING stamped; -- its shard counts it, as a signup's
                ELSE
                    -- Counted as a signup's row is (_quiet_planting() counts nothing).
                    EXECUTE stmt || ' RETURNING tableoid' INTO leaf USING stamped;
                    PERFORM listguard._count_planted_row(leaf);
                END IF;
                inserted := true;
            EXCEPTION WHEN unique_violation OR exclusion_violation THEN
                -- The address goes back to the pool (a made one is dropped).
                DELETE FROM listguard.canaries c WHERE c.id = canary_id AND c.origin = 'generated';
                canary_id := NULL;
            END;
            EXIT WHEN inserted;
        END LOOP;
        IF NOT inserted THEN
            IF canary_id IS NULL AND NOT EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.role IS NULL)
               AND cardinality(canary_domains) = 0 THEN
                RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
                    MESSAGE = 'no canary address is left to plant',
                    DETAIL = 'Every address added with add_canary_addresses() is planted already, and '
                             'listguard.canary_domains is empty.',
                    HINT = 'Add mailboxes with listguard.add_canary_addresses(), or set listguard.canary_domains to '
                           'domains whose mail you receive.';
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'unique_violation',
                MESSAGE = format('could not plant a canary in %s: copies of its rows break a unique constraint', tbl),
                HINT = 'Give the unique columns a default (a sequence, gen_random_uuid()), so canary rows draw '
                       'their own values.';
        END IF;
        UPDATE listguard.canaries c SET address = stamped, role = target, relid = p.root, column_name = email_column,
            account = _plant_canaries.account, list = _plant_canaries.list,
            planted_by = listguard.calling_role(), planted_at = now(), slot = listguard._next_canary_slot(_plant_canaries.account)
        WHERE c.id = canary_id;
        IF (SELECT c.origin FROM listguard.canaries c WHERE c.id = canary_id) = 'generated' THEN
            tmpl_domain := listguard._address_domain(stamped);
            domain_use := jsonb_set(domain_use, ARRAY[tmpl_domain], to_jsonb(coalesce((domain_use->>tmpl_domain)::int, 0) + 1));
        END IF;
        planted := planted + 1;
    END LOOP;
    PERFORM listguard._record_canary_event('plant', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'per_role', per_role, 'planted', planted), NULL);
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_canaries(regclass, bigint, bigint, regrole[], integer) FROM PUBLIC;
