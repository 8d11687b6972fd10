-- What would run around a table, or could be changed or dropped, by someone
-- who is not an admin: the reasons protect() refuses a table, one row each.
-- Code that runs as the reading or writing role (triggers, rules, policies,
-- check constraints, defaults, generated columns, index expressions, domain
-- checks, and what that code calls) must belong to a superuser or an admin,
-- in a schema of one, with its search_path pinned: its owner could replace
-- it with code that copies every address the role can see. So must the
-- types, collations, operator classes and sequences it uses (dropping one
-- with CASCADE would take part of the table), and the tables at the other
-- end of its foreign keys (which bypass row security).
CREATE FUNCTION _untrusted_code(tbl regclass) RETURNS TABLE (object text, problem text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE
    -- Every type a column's value is made of: domains and their base types,
    -- array elements, composite attributes, range subtypes.
    types(typ) AS (
        SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
        UNION
        SELECT inner_type FROM types x JOIN pg_type t ON t.oid = x.typ
        CROSS JOIN LATERAL (
            SELECT t.typbasetype WHERE t.typtype = 'd'
            UNION ALL SELECT t.typelem WHERE t.typelem <> 0 AND t.typsubscript <> 0
            UNION ALL SELECT a.atttypid FROM pg_attribute a
                      WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
            UNION ALL SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid
        ) step(inner_type)
    ),
    -- What belongs to the table, and the constraints of the domains it uses.
    objects(classid, objid) AS (
        SELECT 'pg_class'::regclass::oid, tbl::oid
        UNION ALL SELECT 'pg_trigger'::regclass, t.oid FROM pg_trigger t WHERE t.tgrelid = tbl
        UNION ALL SELECT 'pg_policy'::regclass, p.oid FROM pg_policy p WHERE p.polrelid = tbl
        UNION ALL SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c WHERE c.conrelid = tbl
        UNION ALL SELECT 'pg_attrdef'::regclass, d.oid FROM pg_attrdef d WHERE d.adrelid = tbl
        UNION ALL SELECT 'pg_class'::regclass, i.indexrelid FROM pg_index i WHERE i.indrelid = tbl
        UNION ALL SELECT 'pg_statistic_ext'::regclass, s.oid FROM pg_statistic_ext s WHERE s.stxrelid = tbl
        UNION ALL SELECT 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r WHERE r.ev_class = tbl
        UNION ALL SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c JOIN types x ON c.contypid = x.typ
    ),
    -- What those objects use, and who could change or drop it (dropping it
    -- with CASCADE would take part of the table with it). A sequence the
    -- table owns goes to listguard_owner with the table, one a parent owns
    -- (a partition's default) with the parent.
    ancestors(rel) AS (
        SELECT tbl::oid
        UNION
        SELECT i.inhparent FROM pg_inherits i JOIN ancestors a ON i.inhrelid = a.rel
    ),
    uses AS (
        SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid,
               CASE d.refclassid
                   WHEN 'pg_proc'::regclass THEN (SELECT p.proowner FROM pg_proc p WHERE p.oid = d.refobjid)
                   WHEN 'pg_operator'::regclass THEN (SELECT o.oprowner FROM pg_operator o WHERE o.oid = d.refobjid)
                   WHEN 'pg_type'::regclass THEN (SELECT t.typowner FROM pg_type t WHERE t.oid = d.refobjid)
                   WHEN 'pg_collation'::regclass THEN (SELECT c.collowner FROM pg_collation c WHERE c.oid = d.refobjid)
                   WHEN 'pg_opclass'::regclass THEN (SELECT c.opcowner FROM pg_opclass c WHERE c.oid = d.refobjid)
                   WHEN 'pg_opfamily'::regclass THEN (SELECT f.opfowner FROM pg_opfamily f WHERE f.oid = d.refobjid)
                   WHEN 'pg_ts_config'::regclass THEN (SELECT c.cfgowner FROM pg_ts_config c WHERE c.oid = d.refobjid)
                   WHEN 'pg_ts_dict'::regclass THEN (SELECT c.dictowner FROM pg_ts_dict c WHERE c.oid = d.refobjid)
                   WHEN 'pg_class'::regclass THEN
                       (SELECT c.relowner FROM pg_class c WHERE c.oid = d.refobjid
                          AND NOT EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass
                                            AND o.objid = c.oid AND o.refobjid IN (SELECT rel FROM ancestors)
                                            AND o.deptype IN ('a', 'i')))
               END AS owner
        FROM pg_depend d JOIN objects o ON d.classid = o.classid AND d.objid = o.objid
        WHERE d.deptype = 'n' AND d.refobjid <> tbl
        UNION ALL
        -- The types a value is made of, at any depth.
        SELECT 'pg_class'::regclass, tbl, 0, 'pg_type'::regclass, t.oid, t.typowner
        FROM types x JOIN pg_type t ON t.oid = x.typ
    ),
    -- Functions the table's code calls, and those they name in their bodies
    -- (SQL and PL/pgSQL bodies record no dependencies), at any depth.
    functions(fn) AS (
        SELECT u.refobjid FROM uses u WHERE u.refclassid = 'pg_proc'::regclass
        UNION
        SELECT o.oprcode FROM uses u JOIN pg_operator o ON o.oid = u.refobjid WHERE u.refclassid = 'pg_operator'::regclass
        UNION
        SELECT callee.oid FROM functions f
        JOIN pg_proc caller ON caller.oid = f.fn
        JOIN pg_language l ON l.oid = caller.prolang AND l.lanname IN ('sql', 'plpgsql')
        JOIN pg_proc callee ON callee.pronamespace <> 'pg_catalog'::regnamespace
                           AND caller.prosrc ~* ('\m' || regexp_replace(callee.proname, '([^[:alnum:]_])', '\\\1', 'g') || '\M')
    )
    SELECT pg_describe_object(u.classid, u.objid, u.objsubid),
           format('it uses %s, owned by %s, who is not a superuser or listguard administrator',
                  pg_describe_object(u.refclassid, u.refobjid, 0), u.owner::regrole)
    FROM uses u
    WHERE u.owner IS NOT NULL AND NOT listguard._is_trusted_owner(u.owner)
    UNION
    SELECT format('%s (called by code that runs around %s)', f.fn::regprocedure, tbl),
           CASE WHEN NOT listguard._is_trusted_owner(p.proowner)
                THEN format('it is owned by %s, who is not a superuser or listguard administrator', p.proowner::regrole)
                WHEN NOT listguard._is_trusted_owner(n.nspowner)
                THEN format('its schema %I is owned by %s, who could replace it', n.nspname, n.nspowner::regrole)
                ELSE 'it does not pin its search_path (ALTER FUNCTION ... SET search_path): names it calls would resolve in the search_path of whoever writes'
           END
    FROM functions f JOIN pg_proc p ON p.oid = f.fn JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'listguard'::regnamespace)
      AND NOT (NOT listguard._is_trusted_owner(p.proowner)   -- already named where it is used
               AND f.fn IN (SELECT u.refobjid FROM uses u WHERE u.refclassid = 'pg_proc'::regclass))
      AND (NOT listguard._is_trusted_owner(p.proowner) OR NOT listguard._is_trusted_owner(n.nspowner)
           OR (l.lanname NOT IN ('c', 'internal')
               AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')))
    UNION
    -- A foreign key checks and changes rows without row security: a table
    -- at its other end must be an administrator's too.
    SELECT pg_describe_object('pg_constraint'::regclass, c.oid, 0),
           format('%s at its other end is owned by %s, who could learn which rows exist in every account, or delete them',
                  other.oid::regclass, other.relowner::regrole)
    FROM pg_constraint c
    JOIN pg_class other ON other.oid = CASE WHEN c.conrelid = tbl THEN c.confrelid ELSE c.conrelid END
    WHERE c.contype = 'f' AND (c.conrelid = tbl OR c.confrelid = tbl) AND other.oid <> tbl
      AND NOT listguard._is_trusted_owner(other.relowner)
    UNION
    -- Expressions attached to the table were written by whoever owned it,
    -- and run in every reader's and writer's statement (and as the
    -- administrator who protects it, when its rows are stamped): they may
    -- call only functions without side effects. A default sees no row and
    -- may also draw numbers (sequences, random values).
    SELECT e.what,
           CASE WHEN p.provolatile = 'v'
                THEN format('it calls %s, which is volatile: code on a protected table may only call functions that '
                            'cannot send anything anywhere (immutable or stable)', p.oid::regprocedure)
                ELSE format('it calls %s, which runs a query of its own', p.oid::regprocedure) END
    FROM (
        SELECT pg_describe_object('pg_constraint'::regclass, c.oid, 0) AS what, c.conbin::text AS tree, false AS is_default
        FROM pg_constraint c WHERE c.conrelid = tbl AND c.conbin IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_attrdef'::regclass, ad.oid, 0), ad.adbin::text, a.attgenerated = ''
        FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum WHERE ad.adrelid = tbl
        UNION ALL
        SELECT pg_describe_object('pg_class'::regclass, i.indexrelid, 0),
               coalesce(i.indexprs::text, '') || coalesce(i.indpred::text, ''), false
        FROM pg_index i WHERE i.indrelid = tbl
        UNION ALL
        SELECT pg_describe_object('pg_policy'::regclass, pol.oid, 0),
               coalesce(pol.polqual::text, '') || coalesce(pol.polwithcheck::text, ''), false
        FROM pg_policy pol WHERE pol.polrelid = tbl
        UNION ALL
        SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0), t.tgqual::text, false
        FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgqual IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_statistic_ext'::regclass, st.oid, 0), st.stxexprs::text, false
        FROM pg_statistic_ext st WHERE st.stxrelid = tbl AND st.stxexprs IS NOT NULL
    ) e
    CROSS JOIN LATERAL (
        SELECT m[1]::oid AS fn FROM regexp_matches(e.tree, ':(?:funcid|opfuncid|aggfnoid|winfnoid) ([0-9]+)', 'g') m
        UNION
        SELECT o.oprcode::oid FROM regexp_matches(e.tree, ':opno ([0-9]+)', 'g') m JOIN pg_operator o ON o.oid = m[1]::oid
    ) called
    JOIN pg_proc p ON p.oid = called.fn
    -- (listguard's own cast to text is volatile because it charges the
    -- clear values it makes, so that the planner makes them late: it sends
    -- nothing anywhere.)
    WHERE ((p.provolatile = 'v' AND p.oid <> 'listguard.text(listguard.email)'::regprocedure)
           -- built-ins marked stable that run a query given as text, or
           -- every view of a schema or database
           OR (p.pronamespace = 'pg_catalog'::regnamespace
               AND (p.proname ~ '^(query|cursor|table|schema|database)_to_xml' OR p.proname IN ('ts_stat', 'ts_rewrite'))))
      AND listguard._is_trusted_owner(p.proowner) -- the others are named above
      AND NOT (e.is_default AND (p.oid IN ('pg_catalog.nextval(regclass)'::regprocedure, 'pg_catalog.random()'::regprocedure,
                                           'pg_catalog.gen_random_uuid()'::regprocedure,
                                           'pg_catalog.clock_timestamp()'::regprocedure)
                                 OR (p.pronamespace <> 'pg_catalog'::regnamespace
                                     AND listguard._is_trusted_owner(p.proowner))))
    UNION
    -- A trigger runs its function with the row in hand: only functions an
    -- administrator wrote. Built-in trigger functions other than
    -- suppress_redundant_updates_trigger copy values elsewhere, and an
    -- extension's are vetted by whoever installed the extension.
    SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0),
           CASE WHEN x.oid IS NOT NULL
                THEN format('its function %s belongs to extension %I, installed by %s, who is not a superuser or '
                            'listguard administrator', t.tgfoid::regprocedure, x.extname, x.extowner::regrole)
                ELSE format('its function %s is built in and copies or sends row values', t.tgfoid::regprocedure)
           END
    FROM pg_trigger t
    LEFT JOIN pg_depend xd ON xd.classid = 'pg_proc'::regclass AND xd.objid = t.tgfoid AND xd.deptype = 'e'
    LEFT JOIN pg_extension x ON x.oid = xd.refobjid AND xd.refclassid = 'pg_extension'::regclass
    WHERE t.tgrelid = tbl AND NOT t.tgisinternal
      AND ((x.oid IS NOT NULL AND x.extname <> 'listguard' AND NOT listguard._is_trusted_owner(x.extowner))
           OR (t.tgfoid < 16384 AND t.tgfoid <> 'pg_catalog.suppress_redundant_updates_trigger()'::regprocedure))
    UNION
    SELECT format('rule %I on %s', r.rulename, tbl),
           'rules run with the table owner''s rights in the statements of the reading and writing roles'
    FROM pg_rewrite r WHERE r.ev_class = tbl
    UNION
    SELECT format('generated column %I of %s', a.attname, tbl),
           'it is computed from an email column: it would store what the writing role sees of the address'
    FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attgenerated <> '' AND NOT a.attisdropped
      AND EXISTS (SELECT 1 FROM pg_attrdef ad
                  JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                  JOIN pg_attribute e ON e.attrelid = tbl AND e.attnum = d.refobjsubid
                  JOIN pg_type et ON et.oid = e.atttypid
                  WHERE ad.adrelid = tbl AND ad.adnum = a.attnum
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid = tbl
                    AND (e.atttypid = 'listguard.email'::regtype OR et.typbasetype = 'listguard.email'::regtype))
$$;
REVOKE ALL ON FUNCTION _untrusted_code(regclass) FROM PUBLIC;
