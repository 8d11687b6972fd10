-- Every object of the listguard extension, one line each with everything
-- that defines it, sorted: an upgraded database must print exactly what a
-- fresh install prints.
WITH members AS (
    SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'listguard' AND d.deptype = 'e'
)
SELECT line FROM (
    SELECT 'function ' || p.oid::regprocedure || ' acl=' || coalesce(p.proacl::text, '-') || E'\n'
           || CASE WHEN p.prokind = 'a' THEN '' ELSE pg_get_functiondef(p.oid) END AS line
    FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    UNION ALL
    SELECT 'relation ' || c.oid::regclass || ' kind=' || c.relkind::text || ' acl=' || coalesce(c.relacl::text, '-')
           || ' rls=' || c.relrowsecurity || '/' || c.relforcerowsecurity
           || coalesce((SELECT string_agg(format(' %s %s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                                                  CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                                                  coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')), ','
                                           ORDER BY a.attnum)
                        FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
           || coalesce(' constraints:' || (SELECT string_agg(' ' || pg_get_constraintdef(k.oid), ',' ORDER BY pg_get_constraintdef(k.oid))
                                          FROM pg_constraint k WHERE k.conrelid = c.oid), '')
           || coalesce(' indexes:' || (SELECT string_agg(' ' || regexp_replace(pg_get_indexdef(i.indexrelid), 'INDEX \S+ ON', 'INDEX ON'), ','
                                                         ORDER BY regexp_replace(pg_get_indexdef(i.indexrelid), 'INDEX \S+ ON', 'INDEX ON'))
                                      FROM pg_index i WHERE i.indrelid = c.oid), '')
           || coalesce(' triggers:' || (SELECT string_agg(' ' || pg_get_triggerdef(t.oid), ',' ORDER BY t.tgname)
                                       FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '')
           || coalesce(' view: ' || pg_get_viewdef(c.oid), '')
    FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT 'type ' || t.oid::regtype || ' ' || t.typtype::text || ' in=' || t.typinput || ' out=' || t.typoutput
           || ' recv=' || t.typreceive || ' send=' || t.typsend || ' len=' || t.typlen || ' align=' || t.typalign::text
           || ' storage=' || t.typstorage::text || ' category=' || t.typcategory::text
    FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    UNION ALL
    SELECT 'cast ' || format_type(c.castsource, NULL) || ' -> ' || format_type(c.casttarget, NULL) || ' '
           || c.castcontext::text || ' ' || c.castfunc::regprocedure
    FROM members m JOIN pg_cast c ON m.classid = 'pg_cast'::regclass AND c.oid = m.objid
    UNION ALL
    SELECT 'operator ' || o.oid::regoperator || ' ' || o.oprcode::regproc || ' commutator=' || o.oprcom::regoperator
           || ' negator=' || o.oprnegate::regoperator || ' rest=' || o.oprrest || ' join=' || o.oprjoin
    FROM members m JOIN pg_operator o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
    UNION ALL
    SELECT 'opclass ' || c.opcname || ' ' || a.amname || ' default=' || c.opcdefault
    FROM members m JOIN pg_opclass c ON m.classid = 'pg_opclass'::regclass AND c.oid = m.objid
    JOIN pg_am a ON a.oid = c.opcmethod
    UNION ALL
    SELECT 'opfamily ' || f.opfname || ' ' || a.amname
           || coalesce(' ops:' || (SELECT string_agg(' ' || ao.amopstrategy || ' ' || ao.amopopr::regoperator, ',' ORDER BY ao.amopstrategy)
                                  FROM pg_amop ao WHERE ao.amopfamily = f.oid), '')
           || coalesce(' procs:' || (SELECT string_agg(' ' || ap.amprocnum || ' ' || ap.amproc::regprocedure, ',' ORDER BY ap.amprocnum)
                                    FROM pg_amproc ap WHERE ap.amprocfamily = f.oid), '')
    FROM members m JOIN pg_opfamily f ON m.classid = 'pg_opfamily'::regclass AND f.oid = m.objid
    JOIN pg_am a ON a.oid = f.opfmethod
    UNION ALL
    SELECT 'event trigger ' || e.evtname || ' ' || e.evtevent || ' ' || e.evtfoid::regproc || ' ' || e.evtenabled::text
           || ' ' || coalesce(e.evttags::text, '-')
    FROM members m JOIN pg_event_trigger e ON m.classid = 'pg_event_trigger'::regclass AND e.oid = m.objid
    UNION ALL
    SELECT 'other ' || pg_describe_object(m.classid, m.objid, 0)
    FROM members m WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_class'::regclass, 'pg_type'::regclass,
                                           'pg_cast'::regclass, 'pg_operator'::regclass, 'pg_opclass'::regclass,
                                           'pg_opfamily'::regclass, 'pg_event_trigger'::regclass)
    UNION ALL
    SELECT 'policy ' || p.polname || ' on ' || p.polrelid::regclass
    FROM pg_policy p JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = p.polrelid
    UNION ALL
    SELECT 'extension config ' || coalesce(e.extconfig::regclass[]::text, '-') || ' ' || coalesce(e.extcondition::text, '-')
    FROM pg_extension e WHERE e.extname = 'listguard'
) objects
ORDER BY line;
