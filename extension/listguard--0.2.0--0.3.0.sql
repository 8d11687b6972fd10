-- Assembled by scripts/assemble-sql from src/sql/upgrades/listguard--0.2.0--0.3.0.sql
-- and the files it includes: change those (CONTRIBUTING.md), not this file.
-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- listguard_backup and listguard_monitor are new (_setup_roles() makes
-- them; a role of either name that listguard did not create is refused, as
-- at CREATE EXTENSION, unless listguard.adopt_existing_roles is on).
-- listguard_backup: backup logins read every protected row, sealed, in
-- dumps (and listguard's own tables, which a dump holds).
-- listguard's roles, shared by every database of the cluster: listguard_admin
-- (administration), listguard_owner (owns protected tables; admins belong to
-- it), listguard_approver (approves access requests), listguard_standby
-- (the login of hot standbys' links to the primary), listguard_backup
-- (backup logins) and listguard_monitor (reads metrics and progress, never
-- an address). A role of one of these names that listguard did not create
-- is refused unless listguard.adopt_existing_roles is on.
CREATE OR REPLACE FUNCTION _setup_roles(adopt boolean) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_setup_roles' LANGUAGE C VOLATILE STRICT;
SELECT _setup_roles(false);
REVOKE ALL ON FUNCTION _setup_roles(boolean) FROM PUBLIC;
GRANT SELECT ON grants, protected_tables, audit_log, requests, request_approvals, canaries TO listguard_backup;
GRANT SELECT ON SEQUENCE grants_id_seq, requests_id_seq, canaries_id_seq TO listguard_backup;

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
-- Rows of audit_heads come from the appenders of the audit log; a row any
-- other session inserts (a restore, as a superuser) is a head that came in
-- with a dump, and is marked so. Every other change by a superuser is
-- recorded; other roles are refused.
CREATE FUNCTION audit_heads_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_heads_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_heads_guard() FROM PUBLIC;
-- The audit chain's head as its appender last left it (the last event's id
-- and link, and when), sealed with the audit key: pg_dump writes it into
-- every dump, so a restored database proves it holds the source's whole
-- history up to the dump (verify_audit()). This database's own head has no
-- restored_at; a head that came in with a restore has one, and is sealed
-- again by the restoring server with when and how it came: as the dump's
-- own head, or nested (one the dump's source had itself restored, which
-- proves only the older history it covers).
CREATE TABLE audit_heads (
    source      text NOT NULL,         -- cluster system identifier and database OID of the chain
    last_id     bigint NOT NULL,
    last_link   bytea NOT NULL,
    as_of       timestamptz NOT NULL,
    seal        bytea NOT NULL,
    restored_at timestamptz,
    nested      boolean                -- restored: it came in a restored history of the dump's source
);
CREATE UNIQUE INDEX audit_heads_own ON audit_heads (source) WHERE restored_at IS NULL;
REVOKE ALL ON audit_heads FROM PUBLIC;
GRANT SELECT ON audit_heads TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_heads', '');
CREATE TRIGGER audit_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_heads_guard();
CREATE TRIGGER audit_heads_truncated BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_heads_guard();
-- An administrator's word that the audit history a restore brought without
-- its head record (a dump of listguard 0.2, say) is accepted as it is:
-- recorded in the chain, after which verify_audit() no longer reports it.
-- Returns the last restored event it covers.
CREATE FUNCTION accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_accept_restored_history' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _accept_restored_history(text) FROM PUBLIC;

-- Lookups that compare an address's text use the type's equality instead
-- (no reveal, no quota, the index); the cast to text is volatile, so that
-- a sort or a limit runs before it.
-- What a lookup that compares an address's text becomes at planning
-- (email::text = x, upper(email::text) = upper(x): pg/output/lookups.cpp):
-- x as a value of the type, or null if it is no address (then nothing
-- matches, as nothing matched the text). Public: it is the type's input,
-- without the error.
CREATE FUNCTION _address_or_null(address text) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_address_or_null' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- Volatile: what it returns depends on the role, its grants, its quota and
-- the clock, and a clear value is charged when it is made. So the planner
-- makes it after a sort or a limit, for the rows that are returned only.
CREATE OR REPLACE FUNCTION text(email) RETURNS text
    AS 'MODULE_PATHNAME', 'email_to_text' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
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
CREATE OR REPLACE FUNCTION _untrusted_code(tbl regclass) RETURNS TABLE (object text, problem text)
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

-- protect() takes over the sequences a protected table's defaults draw
-- from (a partition's default draws from its parent's), and records it.
-- A protection_changed event of a table, for what protect()'s SQL changes
-- besides the table itself (sequences it takes over).
CREATE FUNCTION _record_protection_event(tbl regclass, detail jsonb) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_record_protection_event' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _record_protection_event(regclass, jsonb) FROM PUBLIC;
-- A sequence listguard_owner took over keeps its USAGE and SELECT grants
-- (what drawing and reading numbers need) but no other role may set it
-- (UPDATE: setval, which would let ids collide or be chosen).
CREATE FUNCTION _restrict_sequence(seq regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    grantee oid;
BEGIN
    FOR grantee IN
        SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = seq AND a.privilege_type = 'UPDATE' AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE UPDATE ON SEQUENCE %s FROM %s', seq,
                       CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE quote_ident(grantee::regrole::text) END);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _restrict_sequence(regclass) FROM PUBLIC;
-- The sequences a protected table's column defaults draw from belong to
-- listguard_owner, as the table does: their owner could otherwise change
-- them under the table (ALTER SEQUENCE) or drop them with CASCADE, taking
-- the default with them. A sequence the table (or, for a partition, its
-- parent) owns goes with it in _protect_one(); one linked to no table,
-- owned by a role that is not trusted (pg_partman's and many
-- applications' set-up), is taken over here, if the table's owner owns it
-- (a default must not hand over another role's sequence). Whoever had USAGE
-- or SELECT keeps it, nobody keeps UPDATE (setval), the former owner gets
-- USAGE and SELECT, and the move is recorded.
CREATE FUNCTION _take_over_sequences(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s record;
BEGIN
    FOR s IN
        SELECT DISTINCT c.oid::regclass AS seq, c.relowner::regrole AS owner_was
        FROM pg_attrdef ad
        JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
        JOIN pg_class c ON c.oid = d.refobjid AND c.relkind = 'S'
        WHERE ad.adrelid = tbl AND NOT listguard._is_trusted_owner(c.relowner)
          AND c.relowner = (SELECT t.relowner FROM pg_class t WHERE t.oid = tbl)
          AND NOT EXISTS (SELECT 1 FROM pg_depend o
                          WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid
                            AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i'))
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO listguard_owner', s.seq);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', s.seq, s.owner_was::text);
        PERFORM listguard._restrict_sequence(s.seq);
        PERFORM listguard._record_protection_event(tbl, jsonb_build_object(
            'action', 'take over sequence', 'sequence', s.seq::text, 'owner_was', s.owner_was::text));
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _take_over_sequences(regclass) FROM PUBLIC;
-- listguard_backup reads a protected table and the sequences it owns or
-- its defaults draw from (pg_dump reads their positions): listguard owns
-- them, so nobody else could grant it. What it reads is decided by the
-- policies and the reveal: every row, sealed, in a dump, nothing outside
-- one. Taken back when the table is unprotected.
CREATE FUNCTION _backup_reads(tbl regclass, allowed boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    seq regclass;
BEGIN
    EXECUTE format(CASE WHEN allowed THEN 'GRANT SELECT ON %s TO listguard_backup'
                        ELSE 'REVOKE SELECT ON %s FROM listguard_backup' END, tbl);
    FOR seq IN
        SELECT DISTINCT s.oid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = tbl
          AND d.deptype IN ('a', 'i')
        UNION
        SELECT DISTINCT s.oid::regclass FROM pg_attrdef ad
        JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                        AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
        WHERE ad.adrelid = tbl AND s.relowner = 'listguard_owner'::regrole
    LOOP
        EXECUTE format(CASE WHEN allowed THEN 'GRANT SELECT ON SEQUENCE %s TO listguard_backup'
                            ELSE 'REVOKE SELECT ON SEQUENCE %s FROM listguard_backup' END, seq);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _backup_reads(regclass, boolean) FROM PUBLIC;
-- Protects one table (root: the table whose protect() covers it): row
-- security with listguard's policies and ownership by listguard_owner (the
-- triggers come from _protect_triggers()). Its former owner keeps reading
-- and writing (as its grants allow) but may no longer change the table.
CREATE OR REPLACE FUNCTION _protect_one(tbl regclass, root regclass, account_column name, list_column name, audit text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    was_enabled boolean;
    was_forced boolean;
    owner_was regrole;
    scope text;
    privilege record;
    seq regclass;
BEGIN
    -- Protecting again keeps what the table was like before it was first
    -- protected.
    SELECT c.relrowsecurity, c.relforcerowsecurity, c.relowner::regrole INTO was_enabled, was_forced, owner_was
    FROM pg_class c WHERE c.oid = tbl;
    SELECT p.rls_was_enabled, p.rls_was_forced, p.owner_was INTO was_enabled, was_forced, owner_was
    FROM listguard.protected_tables p WHERE p.relid = tbl
    UNION ALL SELECT was_enabled, was_forced, owner_was LIMIT 1;
    PERFORM listguard._drop_protection(tbl);

    scope := format('%I, %s', account_column, coalesce(quote_ident(list_column), '0'));
    EXECUTE format('ALTER TABLE ONLY %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', tbl);
    -- One permissive policy lets rows through; the restrictive ones decide.
    -- Other permissive policies cannot widen access; restrictive ones can
    -- narrow it further.
    EXECUTE format('CREATE POLICY listguard_base ON %s AS PERMISSIVE FOR ALL USING (true) WITH CHECK (true)', tbl);
    EXECUTE format('CREATE POLICY listguard_read ON %s AS RESTRICTIVE FOR SELECT USING (listguard.can_read(%s))',
                   tbl, scope);
    EXECUTE format('CREATE POLICY listguard_insert ON %s AS RESTRICTIVE FOR INSERT WITH CHECK (listguard.can_write(%s))',
                   tbl, scope);
    EXECUTE format('CREATE POLICY listguard_update ON %s AS RESTRICTIVE FOR UPDATE USING (listguard.can_write(%s)) '
                   'WITH CHECK (listguard.can_write(%s))', tbl, scope, scope);
    EXECUTE format('CREATE POLICY listguard_delete ON %s AS RESTRICTIVE FOR DELETE USING (listguard.can_write(%s))',
                   tbl, scope);
    -- Canaries stay hidden in every protected table, whichever a copy of one
    -- lands in.
    PERFORM listguard._canary_policy(tbl, account_column, list_column);
    -- listguard_owner owns the table (and its indexes and owned sequences).
    EXECUTE format('ALTER TABLE %s OWNER TO listguard_owner', tbl);
    -- Nobody but the owner may add triggers (TRIGGER), check rows through a
    -- foreign key, which ignores row security (REFERENCES), or empty every
    -- account at once (TRUNCATE).
    FOR privilege IN
        SELECT DISTINCT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = tbl AND a.privilege_type IN ('TRIGGER', 'REFERENCES', 'TRUNCATE')
          AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE %s ON %s FROM %s CASCADE', privilege.privilege_type, tbl,
                       CASE WHEN privilege.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(privilege.grantee::regrole::text) END);
    END LOOP;
    -- Nobody but the owner hands privileges on (a grant option the former
    -- owner gave an accomplice would pass SELECT to anyone, unrecorded):
    -- grant options are revoked, with what was granted through them.
    FOR privilege IN
        SELECT DISTINCT a.grantee, a.privilege_type, NULL::name AS column_name
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = tbl AND a.is_grantable AND a.grantee <> c.relowner
        UNION
        SELECT DISTINCT a.grantee, a.privilege_type, att.attname
        FROM pg_class c JOIN pg_attribute att ON att.attrelid = c.oid, aclexplode(att.attacl) a
        WHERE c.oid = tbl AND a.is_grantable AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('REVOKE GRANT OPTION FOR %s%s ON %s FROM %s CASCADE', privilege.privilege_type,
                       CASE WHEN privilege.column_name IS NULL THEN '' ELSE format(' (%I)', privilege.column_name) END,
                       tbl,
                       CASE WHEN privilege.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(privilege.grantee::regrole::text) END);
        PERFORM listguard._record_protection_event(tbl, jsonb_build_object(
            'action', 'revoke grant option', 'privilege', privilege.privilege_type,
            'column', privilege.column_name,
            'grantee', CASE WHEN privilege.grantee = 0 THEN 'PUBLIC' ELSE privilege.grantee::regrole::text END));
    END LOOP;
    PERFORM listguard._backup_reads(tbl, true);
    -- Its own sequences went with it: nobody else may set them.
    FOR seq IN SELECT d.objid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
               WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                 AND d.refobjid = tbl AND d.deptype IN ('a', 'i') AND s.relkind = 'S' LOOP
        PERFORM listguard._restrict_sequence(seq);
    END LOOP;
    -- The former owner keeps using the table as its grants allow.
    IF owner_was IS NOT NULL AND owner_was <> 'listguard_owner'::regrole
       AND NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.oid = owner_was) THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', tbl, owner_was::text);
        FOR seq IN SELECT d.objid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                     AND d.refobjid = tbl AND d.deptype IN ('a', 'i') AND s.relkind = 'S' LOOP
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', seq, owner_was::text);
            PERFORM listguard._record_protection_event(tbl, jsonb_build_object(
                'action', 'take over sequence', 'sequence', seq::text, 'owner_was', owner_was::text));
        END LOOP;
    END IF;

    INSERT INTO listguard.protected_tables (relid, account_column, list_column, audit, rls_was_enabled,
                                            rls_was_forced, protected_by, owner_was, root)
    VALUES (tbl, account_column, list_column, audit, was_enabled, was_forced, listguard.calling_role(),
            owner_was, root);
END
$$;
REVOKE ALL ON FUNCTION _protect_one(regclass, regclass, name, name, text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _unprotect(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
BEGIN
    SELECT * INTO p FROM listguard.protected_tables WHERE relid = tbl;
    IF NOT FOUND THEN
        RETURN; -- not protected: nothing to do
    END IF;
    IF p.root <> tbl THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
            MESSAGE = format('%s is protected as part of %s', tbl, p.root),
            HINT = format('Unprotect %s: it covers every table below it.', p.root);
    END IF;
    -- Children first: their cloned triggers go with the root's.
    FOR p IN SELECT * FROM listguard.protected_tables WHERE root = tbl ORDER BY relid = tbl LOOP
        PERFORM listguard._drop_protection(p.relid);
        PERFORM listguard._backup_reads(p.relid, false);
        EXECUTE format('ALTER TABLE ONLY %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY', p.relid,
                       CASE WHEN p.rls_was_enabled THEN 'ENABLE' ELSE 'DISABLE' END,
                       CASE WHEN p.rls_was_forced THEN 'FORCE' ELSE 'NO FORCE' END);
        IF p.owner_was IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = p.owner_was) THEN
            EXECUTE format('ALTER TABLE %s OWNER TO %I', p.relid, p.owner_was::text);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _unprotect(regclass) FROM PUBLIC;
-- Tables protected before 0.3.0: their backups read them too.
SELECT _backup_reads(relid, true) FROM protected_tables;
CREATE OR REPLACE FUNCTION _protect(tbl regclass, account_column name, list_column name, audit text, stamp text)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind "char";
    persistence "char";
    parent regclass;
    t regclass;
    column_type regtype;
    scope name;
    target record;
    next_block bigint;
    batch bigint;
    started timestamptz;
    budget interval;
    left_blocks bigint := 0;
    stamped_blocks bigint := 0;
BEGIN
    IF tbl IS NULL OR account_column IS NULL THEN
        PERFORM listguard._invalid('table and account column must not be null', 'protect() needs both.');
    END IF;
    IF audit IS NULL OR audit NOT IN ('statement', 'row', 'off') THEN
        PERFORM listguard._invalid(format('invalid audit level %L', audit),
            'The audit level must be statement, row or off.');
    END IF;
    IF stamp IS NULL OR stamp NOT IN ('online', 'now', 'later') THEN
        PERFORM listguard._invalid(format('invalid stamp %L', stamp),
            'online stamps the rows the table already holds while protect() holds its lock, for at most '
            'listguard.protect_stamp_budget, and the rest in the background; now stamps them all before '
            'protect() returns; later leaves that to CALL listguard.stamp_existing(), in committed batches.');
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
    PERFORM listguard._note_progress('protect', tbl, 'waiting for the table''s lock', 0, 0, 0);
    PERFORM listguard._lock_exclusively(tbl);
    started := clock_timestamp();
    PERFORM listguard._note_progress('protect', tbl, 'checking the table', 0, 0, 0);
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
    PERFORM listguard._note_progress('protect', tbl, 'installing policies', 0, 0, 0);
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_one(t, tbl, account_column, list_column, audit);
    END LOOP;
    -- The rows already there take their stamps, so that grants scoped to an
    -- account or list read them as they read new ones. Nothing else sees the
    -- tables until this transaction ends: they are locked. Online, for at
    -- most the budget (from when the lock was taken), but the first 64
    -- blocks of the tables whatever the time unless the budget is 0 (so a
    -- small table is stamped when protect() returns, on a slow machine
    -- too): what is left is queued, and stamped in the background once this
    -- commits, in batches that lock only their rows; the triggers stamp what
    -- is written meanwhile. (Before the triggers: a BEFORE ROW trigger, even one that
    -- does not fire, makes every updated row be locked first.)
    budget := CASE WHEN stamp = 'now' OR current_setting('listguard.protect_stamp_budget') = '-1' THEN NULL
                   ELSE current_setting('listguard.protect_stamp_budget')::interval END;
    IF stamp IN ('now', 'online') AND listguard._citus_table(tbl) THEN
        -- A Citus table's rows are in its shards, on every node: one UPDATE
        -- through Citus, under the lock (no background stamping).
        PERFORM listguard._citus_stamp(tbl);
    ELSIF stamp IN ('now', 'online') THEN
        FOR target IN SELECT p.relid, p.blocks FROM listguard._stamp_plan(tbl) p LOOP
            next_block := 0;
            batch := CASE WHEN budget IS NULL THEN target.blocks + 1 ELSE 64 END;
            WHILE next_block < target.blocks
                  AND (budget IS NULL OR clock_timestamp() - started < budget
                       OR (budget > interval '0' AND stamped_blocks < 64)) LOOP
                PERFORM listguard._stamp_batch(target.relid, next_block, next_block + batch);
                stamped_blocks := stamped_blocks + least(batch, target.blocks - next_block);
                next_block := next_block + batch;
                batch := least(batch * 2, 4096);
            END LOOP;
            IF next_block < target.blocks THEN
                INSERT INTO listguard.stamp_queue AS q (relid, next_block, end_block, relfilenode, queued_by)
                VALUES (target.relid, next_block, target.blocks,
                        (SELECT c.relfilenode FROM pg_class c WHERE c.oid = target.relid), listguard.calling_role())
                ON CONFLICT (relid) DO UPDATE SET next_block = excluded.next_block, end_block = excluded.end_block,
                    relfilenode = excluded.relfilenode, queued_at = excluded.queued_at, queued_by = excluded.queued_by;
                left_blocks := left_blocks + target.blocks - next_block;
            END IF;
        END LOOP;
    END IF;
    PERFORM listguard._note_progress('protect', tbl, 'installing triggers', 0, 0, 0);
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
    IF left_blocks > 0 THEN
        PERFORM listguard._request_background_stamping();
        RAISE NOTICE USING MESSAGE = format('listguard: %s: %s blocks left to stamp in the background', tbl, left_blocks),
            DETAIL = 'Until a row is stamped its value belongs to no account: only grants on every account see it.',
            HINT = 'SELECT * FROM listguard.progress shows the stamping; listguard.stamp_queue what is left.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _protect(regclass, name, name, text, text) FROM PUBLIC;
-- A table that became a partition or child of a protected table (by an
-- admin: nobody else may) is protected like its parent.
CREATE OR REPLACE FUNCTION _protect_child(child regclass, parent regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    t regclass;
BEGIN
    SELECT * INTO p FROM listguard.protected_tables WHERE relid = parent;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    FOR t IN SELECT child UNION ALL SELECT listguard._descendants(child) LOOP
        PERFORM listguard._take_over_sequences(t);
        PERFORM listguard._refuse_untrusted(t);
        PERFORM listguard._protect_one(t, p.root, p.account_column, p.list_column, p.audit);
    END LOOP;
    FOR t IN SELECT child UNION ALL SELECT listguard._descendants(child) LOOP
        PERFORM listguard._protect_triggers(t, p.audit);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _protect_child(regclass, regclass) FROM PUBLIC;

-- An UPDATE may write back the mask or pseudonym its role was shown: the
-- value stays as it was.
-- What a write-back becomes at planning (pg/output/write_back.h): an
-- UPDATE's new value for an email column that may be a mask or a
-- pseudonym the client wrote back (a parameter, a literal, text cast to
-- the type) is listguard._written_back(the column, the value, the table,
-- the column's number): the value, unless it is the mask or pseudonym the
-- role is shown of the value it replaces; then that value, unchanged.
-- Public: every role's UPDATE calls them, and they give nothing a role
-- could not read (they compare with what the role is shown, and only if it
-- may read the column).
CREATE FUNCTION _written_back(old email, written email, tbl regclass, col int2) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_written_back' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION _written_back(old email, written text, tbl regclass, col int2) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_text_written_back' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Row policies the planner can use: can_read() and can_write() get a
-- planner support function that puts the account argument's range in front
-- of them as an index condition (issue 24).
-- The planner support of can_read() and can_write(): the account argument
-- becomes an index condition (account >= _first_account(...) AND account <=
-- _last_account(...)) in front of the function itself, which still decides
-- every row; and the estimate of the rows that pass uses that range. Only
-- the planner calls it.
CREATE FUNCTION _scope_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'lg_scope_support' LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION _scope_support(internal) FROM PUBLIC;
-- The range of accounts whose rows the current role may read (write =>
-- false) or write (true), as the row policies' index condition reads it
-- when a scan starts: the lowest account. Public: the index condition runs
-- as whoever queries, and it tells a role nothing explain_access() of
-- itself does not.
CREATE FUNCTION _first_account(write boolean) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_first_account' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- The highest account of the range (see _first_account). Public, as it.
CREATE FUNCTION _last_account(write boolean) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_last_account' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION can_read(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT _scope_support;
CREATE OR REPLACE FUNCTION can_write(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write' LANGUAGE C STABLE STRICT PARALLEL SAFE
    SUPPORT _scope_support;
CREATE OR REPLACE FUNCTION can_read(account bigint, list bigint, address email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read_row' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT _scope_support;
CREATE OR REPLACE FUNCTION can_write(account bigint, list bigint, address email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write_row' LANGUAGE C STABLE PARALLEL SAFE
    SUPPORT _scope_support;

-- A grant is refused while its grantee (or a member) holds a stored
-- setting that decides what its sessions run (ALTER ROLE ... SET
-- search_path, say), which a CREATEROLE role may have put there.
-- (_make_grant, with the principals below, checks them.)
-- Refuses (42501) a grantee that holds, or has a member that holds, a
-- setting stored by ALTER ROLE ... SET that decides what its sessions run
-- (search_path, row_security, role, session_authorization): stored while no
-- listguard power guarded the role, perhaps by a CREATEROLE role.
CREATE FUNCTION _check_role_settings(grantee regrole) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_check_role_settings' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _check_role_settings(regrole) FROM PUBLIC;

-- An access request's duration is a length of time (a month 30 days, a day
-- 24 hours), whatever the calendar or the requester's time zone; an
-- application acting for a principal asks for the principal
-- (access/_request_access, with the principals below).

-- Principals: application users, granted like roles (a grant goes to a role
-- or to a principal), and the applications that act for them with signed
-- assertions.
-- Principals: the people behind application roles (customers' staff,
-- support agents), who reach the database through an application's pooled
-- connections and are no PostgreSQL roles. Granted like roles
-- (grant_access(NULL, ..., principal => name)); an application acts for one
-- per transaction with a signed assertion (act_as). A principal of a
-- customer account (account not null) is granted within that account only.
-- Changed only through create_principal() and drop_principal(); listed by
-- the view listguard.principals.
CREATE TABLE application_users (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 128 AND name !~ '[[:cntrl:]@]' AND name = btrim(name, ' ')),
    account     bigint CHECK (account > 0),
    description text,
    created_by  regrole NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT application_users_name_key UNIQUE (name)
);
REVOKE ALL ON application_users FROM PUBLIC;
GRANT SELECT ON application_users TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.application_users', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.application_users_id_seq', '');
GRANT SELECT ON SEQUENCE application_users_id_seq TO listguard_backup;
CREATE TRIGGER application_users_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_users
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER application_users_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_users
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
-- Applications: roles whose sessions act for principals (act_as), with the
-- rules of each: require_principal (without a principal its sessions see
-- masks only, or are refused: listguard.missing_principal) and
-- session_principals (act_as(..., session => true) is allowed: for session
-- pooling only; behind a pooler in transaction mode the next client would
-- inherit the principal). Their public keys are in application_keys.
CREATE TABLE applications (
    role               regrole PRIMARY KEY,
    require_principal  boolean NOT NULL DEFAULT false,
    session_principals boolean NOT NULL DEFAULT false,
    added_by           regrole NOT NULL,
    added_at           timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON applications FROM PUBLIC;
GRANT SELECT ON applications TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.applications', '');
CREATE TRIGGER applications_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER applications_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
-- The Ed25519 public keys an application signs its assertions with (more
-- than one while a key is rotated). key_id is the key's JWK thumbprint
-- (RFC 7638), which an assertion may name in its header's kid. A key
-- belongs to one application.
CREATE TABLE application_keys (
    key_id     text PRIMARY KEY,
    role       regrole NOT NULL,
    public_key text NOT NULL UNIQUE,
    added_by   regrole NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON application_keys FROM PUBLIC;
GRANT SELECT ON application_keys TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.application_keys', '');
CREATE TRIGGER application_keys_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_keys
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER application_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_keys
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
ALTER TABLE grants ALTER COLUMN grantee DROP NOT NULL, ADD COLUMN principal bigint,
    ADD CONSTRAINT grants_grantee_or_principal CHECK ((grantee IS NULL) <> (principal IS NULL));
CREATE INDEX grants_principal ON grants (principal) WHERE principal IS NOT NULL;
ALTER TABLE requests ALTER COLUMN grantee DROP NOT NULL, ADD COLUMN principal bigint,
    ADD CONSTRAINT requests_grantee_or_principal CHECK ((grantee IS NULL) <> (principal IS NULL));
-- Every principal, with its grants (a count) and the applications it acts
-- through: for administrators' entitlement reviews (explain_access(role,
-- principal) details what a principal may do through one application).
CREATE VIEW principals AS
SELECT u.name, u.account, u.description,
       (SELECT count(*) FROM listguard.grants g WHERE g.principal = u.id) AS grants,
       u.created_by, u.created_at, u.id
FROM listguard.application_users u;
REVOKE ALL ON principals FROM PUBLIC;
GRANT SELECT ON principals TO listguard_admin;
CREATE FUNCTION create_principal(name text, account bigint DEFAULT NULL, description text DEFAULT NULL)
    RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _create_principal(name text, account bigint, description text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id bigint;
BEGIN
    IF name IS NULL OR length(name) NOT BETWEEN 1 AND 128 OR octet_length(name) > 128 OR name ~ '[[:cntrl:]@]'
       OR name <> btrim(name, ' ') THEN
        PERFORM listguard._invalid('invalid principal name',
            'A principal''s name is 1 to 128 octets, with no control character, no "@" (a name, never an address: '
            'every audit event carries it) and no space at either end; assertions name it in their sub claim.',
            'Use the application''s own user id, such as ''acme:alice''.');
    END IF;
    IF account IS NOT NULL AND account <= 0 THEN
        PERFORM listguard._invalid(format('invalid account id %s', account), 'Account ids are positive numbers.',
            'Use NULL for a principal of the ESP itself (support staff).');
    END IF;
    IF EXISTS (SELECT 1 FROM listguard.application_users u WHERE u.name = _create_principal.name) THEN
        RAISE EXCEPTION USING ERRCODE = 'duplicate_object', MESSAGE = format('principal %L already exists', name);
    END IF;
    INSERT INTO listguard.application_users (name, account, description, created_by)
    VALUES (name, account, description, listguard.calling_role())
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION _create_principal(text, bigint, text) FROM PUBLIC;
CREATE FUNCTION drop_principal(name text) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Its grants go with it (each in the audit trail, with the call), and its
-- pending requests are cancelled; its canaries stay, for tracing. A session
-- that acts for it has nothing of it from its next value on.
CREATE FUNCTION _drop_principal(name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.application_users;
BEGIN
    SELECT * INTO p FROM listguard.application_users u WHERE u.name = _drop_principal.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', name),
            HINT = 'listguard.principals lists them.';
    END IF;
    DELETE FROM listguard.grants g WHERE g.principal = p.id;
    UPDATE listguard.requests r SET state = 'cancelled', decided_by = listguard.calling_role(), decided_at = now(),
                                    comment = 'principal dropped'
    WHERE r.principal = p.id AND r.state = 'pending';
    DELETE FROM listguard.application_users u WHERE u.id = p.id;
END
$$;
REVOKE ALL ON FUNCTION _drop_principal(text) FROM PUBLIC;
-- An Ed25519 public key (PEM) in canonical form, and its JWK thumbprint.
CREATE FUNCTION _application_key(public_key text, OUT public_key text, OUT key_id text)
    AS 'MODULE_PATHNAME', 'lg_application_key' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _application_key(text) FROM PUBLIC;
CREATE FUNCTION add_application(role regrole, public_key text, require_principal boolean DEFAULT NULL,
                                session_principals boolean DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Registers a role as an application with one more public key (a second
-- key while the first is rotated out), and sets its rules where given (a
-- new application: false unless said). Returns the key's id (its JWK
-- thumbprint), which assertions may name as kid.
CREATE FUNCTION _add_application(role regrole, public_key text, require_principal boolean,
                                 session_principals boolean) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    owner regrole;
BEGIN
    IF role IS NULL OR public_key IS NULL THEN
        PERFORM listguard._invalid('role and public_key must not be null',
            'add_application() registers a role with the Ed25519 public key its assertions are signed with.');
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE oid = role) THEN
        PERFORM listguard._invalid(format('role %s is a superuser', role),
            'An application''s principals are bounded by the application''s grants; a superuser is bounded by '
            'nothing listguard can enforce.');
    END IF;
    SELECT * INTO k FROM listguard._application_key(public_key);
    SELECT a.role INTO owner FROM listguard.application_keys a WHERE a.key_id = k.key_id;
    IF owner IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
            MESSAGE = format('key %s is registered already', k.key_id),
            DETAIL = CASE WHEN owner = role THEN format('It is a key of %s.', role)
                          ELSE 'It belongs to another application: a key signs for one application only.' END;
    END IF;
    -- Every database must know that this role now carries listguard power.
    PERFORM listguard._mark_grantee(role);
    INSERT INTO listguard.applications AS a (role, require_principal, session_principals, added_by)
    VALUES (role, coalesce(require_principal, false), coalesce(session_principals, false), listguard.calling_role())
    ON CONFLICT ON CONSTRAINT applications_pkey DO UPDATE
        SET require_principal = coalesce(_add_application.require_principal, a.require_principal),
            session_principals = coalesce(_add_application.session_principals, a.session_principals);
    INSERT INTO listguard.application_keys (key_id, role, public_key, added_by)
    VALUES (k.key_id, role, k.public_key, listguard.calling_role());
    RETURN k.key_id;
END
$$;
REVOKE ALL ON FUNCTION _add_application(regrole, text, boolean, boolean) FROM PUBLIC;
CREATE FUNCTION drop_application(role regrole, key_id text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Removes one key of an application (a rotated-out key), or, without a
-- key id, the application and all its keys: its sessions act for nobody
-- from their next value on.
CREATE FUNCTION _drop_application(role regrole, key_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF key_id IS NOT NULL THEN
        DELETE FROM listguard.application_keys k WHERE k.key_id = _drop_application.key_id AND k.role = _drop_application.role;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object',
                MESSAGE = format('application %s has no key %s', role, key_id);
        END IF;
        RETURN;
    END IF;
    DELETE FROM listguard.application_keys k WHERE k.role = _drop_application.role;
    DELETE FROM listguard.applications a WHERE a.role = _drop_application.role;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('role %s is not an application', role);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _drop_application(regrole, text) FROM PUBLIC;
-- The application acts for the principal its assertion names: a compact
-- JWT (EdDSA, RFC 8037) signed with one of its keys, with claims sub (the
-- principal), aud (listguard.audience or the database's name), iat, exp (at
-- most 5 minutes after iat) and jti (used once). Until the transaction ends
-- (or, for applications registered with session_principals, the session:
-- session => true), what the session reads is what both the principal's
-- grants and the application's allow, charged to both. Everyone may call it:
-- it refuses every role but a registered application, and every assertion
-- but a valid one of that application's (SQLSTATEs LGP01 to LGP10). Not
-- parallel safe: it changes the session.
CREATE FUNCTION act_as(assertion text, session boolean DEFAULT false) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_act_as' LANGUAGE C VOLATILE PARALLEL UNSAFE;
-- The session acts for nobody from here on (a principal of the session
-- too). Public: it can only take rights away.
CREATE FUNCTION end_principal() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_end_principal' LANGUAGE C VOLATILE PARALLEL UNSAFE;
-- Who the session acts for (null: nobody); for row policies of one's own
-- as well. Public: it says what the session itself asserted.
CREATE FUNCTION current_principal() RETURNS text
    AS 'MODULE_PATHNAME', 'lg_current_principal' LANGUAGE C STABLE PARALLEL SAFE;
-- Unexpired assertions the server remembers (listguard.max_assertions is
-- the most it may).
CREATE FUNCTION _remembered_assertions() RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_remembered_assertions' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _remembered_assertions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _remembered_assertions() TO listguard_admin;
-- New arguments (a principal) or result columns: dropped and made again.
DROP FUNCTION grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, boolean);
DROP FUNCTION _grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, boolean);
DROP FUNCTION _make_grant(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, regrole, bigint, boolean, boolean);
CREATE FUNCTION grant_access(
    grantee regrole, account bigint, list bigint DEFAULT NULL, reveal text DEFAULT 'masked',
    can_write boolean DEFAULT false, quota text DEFAULT NULL, valid_until timestamptz DEFAULT NULL,
    from_networks cidr[] DEFAULT NULL, reason text DEFAULT NULL, on_exceed text DEFAULT 'error',
    sends boolean DEFAULT false, principal text DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Checks a grant and, unless check_only, makes it (granted_by: who made it;
-- request_id: the access request whose approval made it). A grant goes to a
-- role (grantee) or to a principal (by name), whose own account, if it has
-- one, bounds it.
CREATE FUNCTION _make_grant(
    grantee regrole, account bigint, list bigint, reveal text, can_write boolean, quota text,
    valid_until timestamptz, from_networks cidr[], reason text, on_exceed text,
    granted_by regrole, request_id bigint, check_only boolean, sends boolean DEFAULT false,
    principal text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    q_limit bigint;
    q_window bigint;
    new_id bigint;
    untrusted text;
    pr listguard.application_users;
BEGIN
    IF grantee IS NULL AND principal IS NULL THEN
        PERFORM listguard._invalid('grantee must not be null', 'grant_access() needs the role that receives the grant.');
    END IF;
    IF grantee IS NOT NULL AND principal IS NOT NULL THEN
        PERFORM listguard._invalid('a grant goes to a role or to a principal, not both',
            'A principal''s rights are its own grants cut down to its application''s: grant the application role '
            'and the principal separately.');
    END IF;
    IF principal IS NOT NULL THEN
        SELECT * INTO pr FROM listguard.application_users u WHERE u.name = _make_grant.principal;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', principal),
                HINT = format('An administrator creates it: SELECT listguard.create_principal(%L);', principal);
        END IF;
        IF pr.account IS NOT NULL AND account IS DISTINCT FROM pr.account THEN
            PERFORM listguard._invalid(format('principal %L belongs to account %s', principal, pr.account),
                'A grant to a principal of a customer account stays within that account.',
                format('Grant account %s (or one of its lists).', pr.account));
        END IF;
    END IF;
    IF reveal IS NULL OR reveal NOT IN ('masked', 'pseudonym', 'sealed', 'clear') THEN
        PERFORM listguard._invalid(format('invalid reveal level %L', reveal),
            'The reveal level must be one of masked, pseudonym, sealed and clear.');
    END IF;
    IF account IS NOT NULL AND account <= 0 THEN
        PERFORM listguard._invalid(format('invalid account id %s', account), 'Account ids are positive numbers.',
            'Use NULL for every account.');
    END IF;
    IF list IS NOT NULL AND list <= 0 THEN
        PERFORM listguard._invalid(format('invalid list id %s', list), 'List ids are positive numbers.',
            'Use NULL for every list of the account.');
    END IF;
    IF list IS NOT NULL AND account IS NULL THEN
        PERFORM listguard._invalid('a list grant needs an account', 'List ids are only unique within an account.');
    END IF;
    IF on_exceed IS NULL OR on_exceed NOT IN ('error', 'mask') THEN
        PERFORM listguard._invalid(format('invalid on_exceed %L', on_exceed),
            'What happens when the quota is used up: error (the statement fails) or mask (values are shown masked).');
    END IF;
    IF on_exceed = 'mask' AND quota IS NULL THEN
        PERFORM listguard._invalid('on_exceed needs a quota', 'Without a quota there is nothing to exceed.');
    END IF;
    IF can_write IS NULL THEN
        PERFORM listguard._invalid('can_write must not be null', 'Say true or false.');
    END IF;
    IF sends IS NULL THEN
        PERFORM listguard._invalid('sends must not be null', 'Say true for the role that sends campaigns (it sees '
                                   'every canary of its lists), false for any other.');
    END IF;
    IF quota IS NOT NULL THEN
        SELECT p.quota_limit, p.window_seconds INTO q_limit, q_window FROM listguard.quota_parts(quota) p;
    END IF;
    IF valid_until IS NOT NULL AND valid_until <= now() THEN
        PERFORM listguard._invalid('valid_until is in the past', 'A grant must be valid for some time after it is made.',
            'Use NULL for a grant that does not expire.');
    END IF;
    IF from_networks IS NOT NULL AND (cardinality(from_networks) = 0 OR array_position(from_networks, NULL) IS NOT NULL) THEN
        PERFORM listguard._invalid('from_networks must list networks',
            'It is empty or holds a null, which no connection could match.', 'Use NULL for any network.');
    END IF;
    -- Whoever already belongs to the grantee receives the grant too: a
    -- membership a non-administrator (a CREATEROLE role) arranged before the
    -- grant existed must not carry it. (A principal has no members.)
    SELECT string_agg(format('%s belongs to %s by grant of %s', m.member, m.via, m.grantor), E'\n' ORDER BY m.member::text)
    INTO untrusted FROM listguard._untrusted_members(grantee) m;
    IF untrusted IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s has members that no administrator let in', grantee),
            DETAIL = untrusted,
            HINT = 'An administrator can revoke and grant these memberships again (they would receive the grant), '
                   'or grant to another role.';
    END IF;
    -- A backup login reads every row sealed and can tell canaries apart:
    -- it may not read addresses too (role_guard.cpp refuses the same from
    -- the other side).
    IF EXISTS (SELECT 1 FROM pg_roles r
               WHERE NOT r.rolsuper AND (r.oid = grantee OR pg_has_role(r.oid, grantee, 'USAGE'))
                 AND pg_has_role(r.oid, 'listguard_backup', 'MEMBER')) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s cannot both back up and hold listguard grants', grantee),
            DETAIL = 'It or a role that receives its grants belongs to listguard_backup, which reads every row '
                     'sealed and can tell canaries apart.',
            HINT = 'Use a separate login for backups, with no listguard grants.';
    END IF;
    -- So do the settings stored for it or its members (ALTER ROLE ... SET
    -- search_path, say), which decide what their sessions run.
    PERFORM listguard._check_role_settings(grantee);
    IF check_only THEN
        RETURN NULL;
    END IF;
    -- Every database must know that this role now carries listguard power.
    IF grantee IS NOT NULL THEN
        PERFORM listguard._mark_grantee(grantee);
    END IF;
    INSERT INTO listguard.grants (grantee, account, list, reveal, can_write, quota, quota_limit, quota_window,
                                  on_exceed, valid_until, from_networks, reason, granted_by, request_id, sends, principal)
    VALUES (grantee, account, list, reveal, can_write, quota, q_limit, q_window,
            on_exceed, valid_until, from_networks, reason, granted_by, request_id, sends, pr.id)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION _make_grant(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, regrole, bigint, boolean, boolean, text) FROM PUBLIC;
-- grant_access(): under listguard.two_person_rule, a grant of clear or
-- sealed access or of writing waits, as a request, for a second person (a
-- grant to a principal too).
CREATE FUNCTION _grant_access(
    grantee regrole, account bigint, list bigint, reveal text, can_write boolean, quota text,
    valid_until timestamptz, from_networks cidr[], reason text, on_exceed text, sends boolean, principal text)
    RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    request bigint;
BEGIN
    IF NOT current_setting('listguard.two_person_rule')::boolean
       OR (reveal NOT IN ('clear', 'sealed') AND can_write IS NOT TRUE AND sends IS NOT TRUE) THEN
        RETURN listguard._make_grant(grantee, account, list, reveal, can_write, quota, valid_until, from_networks,
                                     reason, on_exceed, listguard.calling_role(), NULL, false, sends, principal);
    END IF;
    PERFORM listguard._make_grant(grantee, account, list, reveal, can_write, quota, valid_until, from_networks,
                                  reason, on_exceed, listguard.calling_role(), NULL, true, sends, principal);
    INSERT INTO listguard.requests (requester, grantee, kind, account, list, reveal, can_write, quota, on_exceed,
                                    valid_until, from_networks, reason, expires_at, sends, principal)
    VALUES (listguard.calling_role(), grantee, 'grant', account, list, reveal, can_write, quota, on_exceed,
            valid_until, from_networks, coalesce(reason, ''),
            now() + current_setting('listguard.request_ttl')::interval, sends,
            (SELECT u.id FROM listguard.application_users u WHERE u.name = _grant_access.principal))
    RETURNING id INTO request;
    PERFORM listguard._request_opened(request);
    PERFORM listguard._mark_pending_grant();
    RAISE NOTICE 'listguard: under the two-person rule this grant waits for approval as request %', request
        USING HINT = format('Another administrator or an approver runs: SELECT listguard.approve(%s);', request);
    RETURN request;
END
$$;
REVOKE ALL ON FUNCTION _grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, boolean, text) FROM PUBLIC;
DROP FUNCTION explain_access(regrole);
DROP FUNCTION _explain_access(regrole);
-- The entitlement review: every grant that applies to a role; with a
-- principal, what the principal may do through that application (each of
-- the principal's grants cut down by each of the role's grants it
-- overlaps: the application's grant is the ceiling, ceiling_grant and
-- ceiling_reveal say which and how far; a principal's grant the role has
-- no grant under shows reveal null: nothing through this application). A
-- null role with a principal: through every registered application.
CREATE FUNCTION explain_access(role regrole, principal text DEFAULT NULL)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole, request_id bigint,
                   sends boolean, ceiling_grant bigint, ceiling_reveal text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
CREATE FUNCTION _explain_access(role regrole, principal text)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole, request_id bigint,
                   sends boolean, ceiling_grant bigint, ceiling_reveal text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.application_users;
BEGIN
    IF principal IS NULL THEN
        RETURN QUERY
        SELECT g.account, g.list, g.reveal, g.can_write, g.quota, g.valid_until, g.from_networks, g.id, g.grantee,
               g.request_id, g.sends, NULL::bigint, NULL::text
        FROM listguard.grants g
        WHERE listguard.role_receives_grants_of(role, g.grantee)
        ORDER BY g.account NULLS FIRST, g.list NULLS FIRST, g.id;
        RETURN;
    END IF;
    SELECT * INTO p FROM listguard.application_users u WHERE u.name = _explain_access.principal;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', principal),
            HINT = 'listguard.principals lists them.';
    END IF;
    -- Reveal levels in the order of what they show.
    RETURN QUERY
    WITH levels(name, rank) AS (VALUES ('masked', 0), ('pseudonym', 1), ('sealed', 2), ('clear', 3)),
    apps AS (
        SELECT a.role AS app FROM listguard.applications a WHERE _explain_access.role IS NULL
        UNION ALL SELECT _explain_access.role WHERE _explain_access.role IS NOT NULL
    ),
    pairs AS (
        SELECT pg.*, x.app, ag.id AS ag_id, ag.reveal AS ag_reveal, ag.can_write AS ag_write,
               ag.valid_until AS ag_until, ag.sends AS ag_sends, ag.account AS ag_account, ag.list AS ag_list,
               ag.grantee AS ag_grantee
        FROM listguard.grants pg CROSS JOIN apps x
        LEFT JOIN listguard.grants ag
               ON ag.grantee IS NOT NULL AND listguard.role_receives_grants_of(x.app, ag.grantee)
              AND (pg.account IS NULL OR ag.account IS NULL OR pg.account = ag.account)
              AND (pg.list IS NULL OR ag.list IS NULL OR pg.list = ag.list)
        WHERE pg.principal = p.id
    )
    SELECT coalesce(x.account, x.ag_account), coalesce(x.list, x.ag_list),
           CASE WHEN x.ag_id IS NULL THEN NULL
                ELSE (SELECT l.name FROM levels l
                      WHERE l.rank = least((SELECT r.rank FROM levels r WHERE r.name = x.reveal),
                                           (SELECT r.rank FROM levels r WHERE r.name = x.ag_reveal))) END,
           x.can_write AND coalesce(x.ag_write, false), x.quota,
           CASE WHEN x.valid_until IS NULL THEN x.ag_until WHEN x.ag_until IS NULL THEN x.valid_until
                ELSE least(x.valid_until, x.ag_until) END,
           x.from_networks, x.id, x.app, x.request_id, x.sends AND coalesce(x.ag_sends, false), x.ag_id,
           x.ag_reveal
    FROM pairs x
    ORDER BY x.app::text, coalesce(x.account, x.ag_account) NULLS FIRST, coalesce(x.list, x.ag_list) NULLS FIRST, x.id,
             x.ag_id;
END
$$;
REVOKE ALL ON FUNCTION _explain_access(regrole, text) FROM PUBLIC;
DROP FUNCTION audit_for(text);
DROP FUNCTION _audit_for(text);
-- What the audit trail holds about one address (by its keyed digest), or
-- about what one principal did (events name the principal in force in
-- their detail), or both.
CREATE FUNCTION audit_for(address text DEFAULT NULL, principal text DEFAULT NULL) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
CREATE FUNCTION _audit_for(address text, principal text) RETURNS SETOF audit_log
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF address IS NULL AND principal IS NULL THEN
        PERFORM listguard._invalid('audit_for() needs an address or a principal',
            'It finds the events about one address, or those of one principal.');
    END IF;
    RETURN QUERY
    SELECT * FROM listguard.audit_log a
    WHERE (_audit_for.address IS NULL
           OR (a.email_digests IS NOT NULL AND a.email_digests @> ARRAY[listguard._email_digest(_audit_for.address)]))
      AND (_audit_for.principal IS NULL OR a.detail ->> 'principal' = _audit_for.principal)
    ORDER BY a.id;
END
$$;
REVOKE ALL ON FUNCTION _audit_for(text, text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _request_access(account bigint, list bigint, reveal text, duration interval, reason text)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    requester regrole := listguard.calling_role();
    -- An application acting for a principal asks for the principal: the
    -- grant an approval makes is the principal's (still under the
    -- application's ceiling), and nobody else behind the application gets it.
    principal text := listguard.current_principal();
    request bigint;
BEGIN
    IF reason IS NULL OR btrim(reason) = '' THEN
        PERFORM listguard._invalid('an access request needs a reason',
            'Approvers decide from it: say what the access is for (a ticket, an incident).');
    END IF;
    IF duration IS NULL OR duration <= interval '0' THEN
        PERFORM listguard._invalid('the duration of an access request must be positive', 'It is how long the grant lasts.');
    END IF;
    -- A length of time, whatever the calendar or the session's time zone:
    -- a month is the 30 days and a day the 24 hours that the comparison
    -- below counts, so the grant, now() + duration, lasts exactly that
    -- (a calendar month can have 31 days, a day with a clock change 25 hours).
    duration := pg_catalog.make_interval(secs => extract(epoch FROM duration)::float8);
    IF duration > current_setting('listguard.max_request_duration')::interval THEN
        PERFORM listguard._invalid(format('an access request may last at most %s', current_setting('listguard.max_request_duration')),
            format('It asks for %s (listguard.max_request_duration).', duration));
    END IF;
    -- The same checks a grant gets, now rather than at approval.
    PERFORM listguard._make_grant(CASE WHEN principal IS NULL THEN requester END, account, list, reveal, false,
                                  current_setting('listguard.request_quota'), NULL, NULL, reason, 'error', requester,
                                  NULL, true, false, principal);
    INSERT INTO listguard.requests (requester, grantee, kind, account, list, reveal, quota, duration, reason, expires_at,
                                    principal)
    VALUES (requester, CASE WHEN principal IS NULL THEN requester END, 'access', account, list, reveal,
            current_setting('listguard.request_quota'), duration, reason,
            now() + current_setting('listguard.request_ttl')::interval,
            (SELECT u.id FROM listguard.application_users u WHERE u.name = principal))
    RETURNING id INTO request;
    PERFORM listguard._request_opened(request);
    PERFORM listguard._expire_requests();
    RETURN request;
END
$$;
REVOKE ALL ON FUNCTION _request_access(bigint, bigint, text, interval, text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _approve(request_id bigint, comment text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r listguard.requests;
    me regrole := listguard.calling_role();
    session_role regrole := listguard._calling_session_role();
    approvals integer;
    new_grant bigint;
    principal text;
BEGIN
    -- Locked: a concurrent approval or denial of the same request waits.
    SELECT * INTO r FROM listguard.requests q WHERE q.id = _approve.request_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM listguard._refuse_request(request_id, 'approve', 'undefined_object',
            format('access request %s does not exist', request_id), NULL);
    END IF;
    PERFORM listguard._check_decider(r, 'approve');
    -- N distinct approvers: not the same role, session or group twice.
    IF EXISTS (SELECT 1 FROM listguard.request_approvals a
               WHERE a.request_id = r.id
                 AND (a.approver IN (me, session_role) OR a.approver_session IN (me, session_role)
                      OR listguard._is_member_of(a.approver, me) OR listguard._is_member_of(me, a.approver))) THEN
        PERFORM listguard._refuse_request(r.id, 'approve', 'insufficient_privilege',
            format('access request %s has an approval from role %s, its session user or its group already', r.id, me),
            format('It needs %s distinct approvers (listguard.required_approvals): other roles, sessions and groups.',
                   current_setting('listguard.required_approvals')));
    END IF;
    INSERT INTO listguard.request_approvals (request_id, approver, approver_session, comment)
    VALUES (r.id, me, session_role, comment);
    SELECT count(*) INTO approvals FROM listguard.request_approvals a WHERE a.request_id = r.id;
    PERFORM listguard._record_request_event('approve', r.id, r.account, r.list,
        jsonb_build_object('approver', me::text, 'session_user', session_role::text, 'approvals', approvals,
                           'required', current_setting('listguard.required_approvals')::integer));
    IF approvals < current_setting('listguard.required_approvals')::integer THEN
        RETURN;
    END IF;
    principal := (SELECT u.name FROM listguard.application_users u WHERE u.id = r.principal);
    IF r.kind = 'access' THEN
        new_grant := listguard._make_grant(r.grantee, r.account, r.list, r.reveal, false, r.quota,
                                           now() + r.duration, NULL, format('access request %s: %s', r.id, r.reason),
                                           'error', me, r.id, false, false, principal);
    ELSE
        new_grant := listguard._make_grant(r.grantee, r.account, r.list, r.reveal, r.can_write, r.quota,
                                           r.valid_until, r.from_networks, nullif(r.reason, ''), r.on_exceed,
                                           r.requester, r.id, false, r.sends, principal);
    END IF;
    UPDATE listguard.requests q SET state = 'approved', decided_by = me, decided_at = now(), grant_id = new_grant,
                                    comment = coalesce(_approve.comment, q.comment)
    WHERE q.id = r.id;
    PERFORM listguard._record_request_event('approved', r.id, r.account, r.list,
        jsonb_build_object('grant', new_grant, 'grantee', r.grantee::text, 'for_principal', principal));
    PERFORM listguard._notify_request(r.id, 'approved');
    -- Expiry is recorded by calls that succeed: a refused one rolls back.
    PERFORM listguard._expire_requests();
END
$$;
REVOKE ALL ON FUNCTION _approve(bigint, text) FROM PUBLIC;
-- A new request (of either kind): recorded and announced.
CREATE OR REPLACE FUNCTION _request_opened(request_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r listguard.requests;
BEGIN
    SELECT * INTO r FROM listguard.requests WHERE id = request_id;
    PERFORM listguard._record_request_event('request', r.id, r.account, r.list,
        jsonb_build_object('kind', r.kind, 'requester', r.requester::text, 'grantee', r.grantee::text,
                           'for_principal', (SELECT u.name FROM listguard.application_users u WHERE u.id = r.principal),
                           'reveal', r.reveal, 'can_write', r.can_write, 'duration', r.duration::text,
                           'expires_at', r.expires_at));
    PERFORM listguard._notify_request(r.id, 'new');
END
$$;
REVOKE ALL ON FUNCTION _request_opened(bigint) FROM PUBLIC;
-- Requests as their requester (its own), approvers and admins (all) see
-- them. A pending request past its time to live shows as expired.
CREATE OR REPLACE VIEW access_requests WITH (security_barrier) AS
SELECT r.id AS request_id, r.requester, r.grantee, r.kind, r.account, r.list, r.reveal, r.can_write, r.duration,
       r.valid_until, r.reason,
       CASE WHEN r.state = 'pending' AND r.expires_at <= now() THEN 'expired' ELSE r.state END AS state,
       r.requested_at, r.expires_at,
       (SELECT count(*) FROM listguard.request_approvals a WHERE a.request_id = r.id) AS approvals,
       r.decided_by, r.decided_at, r.comment, r.grant_id,
       (SELECT u.name FROM listguard.application_users u WHERE u.id = r.principal) AS principal
FROM listguard.requests r
WHERE r.requester = current_user::regrole OR r.grantee = current_user::regrole
   OR listguard._is_member_of(current_user::regrole, to_regrole('listguard_approver'))
   OR listguard.current_role_is_admin();
GRANT SELECT ON access_requests TO PUBLIC;
-- Canaries of principals: seen by their principal alone (canaries.principal
-- names the person).
ALTER TABLE canaries ADD COLUMN principal bigint;
-- plant_canaries(..., principals => ...): canaries of principals, each seen
-- by its principal and by its application acting for nobody (not for anyone
-- else), planted through the application that reads the list for them.
CREATE FUNCTION plant_canaries(tbl regclass, account bigint, list bigint, principals text[],
                               per_principal integer DEFAULT 3, application regrole DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Called first by the functions that plant canaries (and their plans and
-- addresses): until the calling function returns, nothing is counted in
-- the cumulative statistics (track_counts = off), which every role reads:
-- counts of listguard.canaries, canary_plans, the audit log or the list's
-- own scans moving at a planting would tell a reader the moment
-- (docs/limitations.md#canaries). The canary row itself is counted
-- (_count_planted_row()), as a signup's would be.
CREATE FUNCTION _quiet_planting() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_quiet_planting' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _quiet_planting() FROM PUBLIC;
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
-- Counts one row inserted into tbl (the partition that took a canary row) in
-- the cumulative statistics, as an INSERT would, while _quiet_planting() is
-- in force: a canary row moves the list's counts as a signup does.
CREATE FUNCTION _count_planted_row(tbl regclass) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_count_planted_row' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _count_planted_row(regclass) FROM PUBLIC;
-- Plants each principal's canaries as the application's (the role-based
-- planting, unchanged), then makes them the principal's. The application:
-- the one given, else the only registered application with a clear grant
-- on the list.
CREATE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, principals text[], per_principal integer,
                                application regrole) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    apps regrole[];
    who text;
    pid bigint;
    before bigint[];
    planted integer := 0;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
    IF principals IS NULL OR cardinality(principals) = 0 OR array_position(principals, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('principals must name principals', 'plant_canaries() plants for each one named.');
    END IF;
    IF application IS NULL THEN
        SELECT array_agg(DISTINCT a.role) INTO apps FROM listguard.applications a JOIN listguard.grants g
          ON listguard.role_receives_grants_of(a.role, g.grantee)
        WHERE g.reveal = 'clear' AND (g.account IS NULL OR g.account = _plant_canaries.account)
          AND (g.list IS NULL OR g.list = _plant_canaries.list);
        IF cardinality(apps) IS DISTINCT FROM 1 THEN
            PERFORM listguard._invalid(format('%s applications read this list in clear', coalesce(cardinality(apps), 0)),
                'A principal''s canaries are planted through the application that reads the list for it.',
                'Name it: plant_canaries(..., application => ''webapp'').');
        END IF;
        application := apps[1];
    ELSIF NOT EXISTS (SELECT 1 FROM listguard.applications a WHERE a.role = application) THEN
        PERFORM listguard._invalid(format('role %s is not an application', application),
            'listguard.add_application() registers applications.');
    END IF;
    FOREACH who IN ARRAY principals LOOP
        SELECT u.id INTO pid FROM listguard.application_users u WHERE u.name = who;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', who);
        END IF;
        SELECT coalesce(array_agg(c.id), '{}') INTO before FROM listguard.canaries c WHERE c.role IS NOT NULL;
        planted := planted + listguard._plant_canaries(tbl, account, list, ARRAY[application], per_principal);
        UPDATE listguard.canaries c SET principal = pid
        WHERE c.role = application AND c.principal IS NULL AND c.id <> ALL (before);
    END LOOP;
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_canaries(regclass, bigint, bigint, text[], integer, regrole) FROM PUBLIC;

-- Monitors see every quota, and read metrics, progress and the audit log
-- without its addresses.
-- Whether the current role may read what monitors read (an admin, a member
-- of listguard_monitor or of pg_monitor): quota_usage shows them every quota.
CREATE FUNCTION current_role_is_monitor() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_current_role_is_monitor' LANGUAGE C STABLE PARALLEL SAFE;

-- Text with every address-like token masked (j***@example.com): names a role
-- chose (of roles, tables, applications) as monitors see them. Public: it
-- only ever hides.
CREATE FUNCTION _redact(text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_redact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Whether text holds anything _redact() would mask. Public: it says no more
-- than _redact() does.
CREATE FUNCTION _has_address(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_has_address' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- quota_usage names make_interval's exact argument type (schema-qualified),
-- has a principal column (principals above) and shows monitors every quota.
-- Every quota the caller may see (admins and monitors: all; others: their
-- own) and where it stands. Monitors that are not admins see names as
-- metrics and audit_events show them: a principal masked (j***@example.com)
-- and a role whose name holds an address as null (a regrole cannot be
-- masked; grant_id ties the row to its metrics). "used" counts what
-- backends have reserved and not yet given back too. The window's seconds
-- are cast to make_interval's own argument type, so that no function of
-- another signature could be a better match.
CREATE OR REPLACE VIEW quota_usage WITH (security_barrier) AS
SELECT g.id AS grant_id,
       CASE WHEN listguard.current_role_is_admin() OR NOT listguard.current_role_is_monitor()
                 OR NOT listguard._has_address(g.grantee::text) THEN g.grantee END AS role,
       g.account, g.list, g.quota, g.on_exceed,
       coalesce(s.used, 0) AS used,
       greatest(g.quota_limit - coalesce(s.used, 0), 0) AS remaining,
       s.window_start + pg_catalog.make_interval(secs => g.quota_window::float8) AS window_resets_at,
       (SELECT CASE WHEN listguard.current_role_is_admin() OR NOT listguard.current_role_is_monitor()
                    THEN u.name ELSE listguard._redact(u.name) END
        FROM listguard.application_users u WHERE u.id = g.principal) AS principal
FROM listguard.grants g
LEFT JOIN listguard._quota_state() s
       ON s.grant_id = g.id AND s.window_start + pg_catalog.make_interval(secs => g.quota_window::float8) > now()
WHERE g.quota IS NOT NULL
  AND (listguard.current_role_is_admin() OR listguard.current_role_is_monitor()
       OR listguard.role_receives_grants_of(current_user::regrole, g.grantee)
       OR g.principal = (SELECT u.id FROM listguard.application_users u WHERE u.name = listguard.current_principal()));
GRANT SELECT ON quota_usage TO PUBLIC;
-- The rows of listguard.metrics, from shared memory and listguard's tables
-- (read as the extension's owner, with fixed queries). It checks that the
-- caller is a monitor (an admin, a member of listguard_monitor or of
-- pg_monitor) besides these privileges.
CREATE FUNCTION _metrics(OUT metric text, OUT labels jsonb, OUT value double precision) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_metrics' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _metrics() TO listguard_monitor, pg_monitor, listguard_admin;
-- What listguard did and where it stands, one row per metric and label set,
-- for monitoring without superuser and without any address: values shown
-- per role and reveal level, quota use and limit per grant, refusals per
-- reason, audit events per kind, the audit queue and writer, the log's
-- extent and archives, standby links and leases, keys, canary hits, long
-- operations. Counters count since the server started. monitoring/
-- postgres_exporter.yml turns it into Prometheus series (listguard_<metric>).
CREATE VIEW metrics AS SELECT m.metric, m.labels, m.value FROM listguard._metrics() m;
REVOKE ALL ON metrics FROM PUBLIC;
GRANT SELECT ON metrics TO listguard_monitor, pg_monitor, listguard_admin;
CREATE FUNCTION _progress(OUT pid integer, OUT command text, OUT "table" text, OUT phase text,
                          OUT blocks_done bigint, OUT blocks_total bigint, OUT "rows" bigint,
                          OUT started timestamptz, OUT updated timestamptz) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _progress() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _progress() TO listguard_monitor, pg_monitor, listguard_admin;
-- One row per running protect(), stamp_existing(), reseal_existing(),
-- invalid_addresses(), retire_key(), archive_audit() and background
-- stamping of this database: who runs it, on which table, in which phase,
-- how many of the table's blocks are done, the rows so far, since when.
CREATE VIEW progress AS
SELECT p.pid, p.command, p."table", p.phase, p.blocks_done, p.blocks_total, p."rows", p.started, p.updated
FROM listguard._progress() p;
REVOKE ALL ON progress FROM PUBLIC;
GRANT SELECT ON progress TO listguard_monitor, pg_monitor, listguard_admin;
-- The audit log without what could hold or point at an address, for
-- monitors: no detail (it holds admins' reasons and arguments, masked key
-- values, sealed canary records), no digests (they would let events about
-- one address be linked), no links; names a role chose with addresses
-- masked, counts hidden if they hold anything like one; no transaction id or
-- backend pid (rows a canary planting transaction wrote carry its xid as
-- xmin: a monitor who reads the list would pick them out). For a refusal,
-- its reason when it is one of listguard's own. Canary events (plans,
-- plantings, hits) show their day only: a planting's moment against the
-- rows' created_at would name the canary row (test/attacks 100); in UTC,
-- or a monitor moving its TimeZone would find where the day turns.
CREATE VIEW audit_events WITH (security_barrier) AS
SELECT a.id, CASE WHEN a.kind = 'canary' THEN date_trunc('day', a.logged_at, 'UTC') ELSE a.logged_at END AS logged_at, a.kind,
       listguard._redact(a.session_user_name) AS session_user_name,
       listguard._redact(a.current_user_name) AS current_user_name,
       a.client_addr, listguard._redact(a.application_name) AS application_name,
       a.account, a.list, listguard._redact(a.relation) AS relation,
       CASE WHEN listguard._has_address(a.counts::text) THEN NULL ELSE a.counts END AS counts,
       CASE WHEN a.kind = 'denied' AND a.detail->>'reason' IN ('laundering', 'not an admin', 'not a monitor',
                 'listguard role', 'protected table', 'email column to another type', 'dump with masks',
                 'logical replication without a sealed grant', 'object over listguard.email', 'row security')
            THEN a.detail->>'reason' END AS reason,
       listguard._redact(a.origin) AS origin, a.format
FROM listguard.audit_log a;
REVOKE ALL ON audit_events FROM PUBLIC;
GRANT SELECT ON audit_events TO listguard_monitor, pg_monitor, listguard_admin;

-- protect() of a table in use: it takes the lock in short tries, stamps what
-- it can while it holds it (listguard.protect_stamp_budget) and queues the
-- rest, which the maintenance worker stamps in the background ('online',
-- the new default); stamp_existing(), reseal_existing() and the others say
-- where they stand in listguard.progress, and in a NOTICE at most every 10 s.
-- listguard's PL/pgSQL code (protect(), retire_key(), key_usage()) says
-- where it stands, for listguard.progress and the NOTICE every 10 s.
CREATE FUNCTION _note_progress(command text, tbl regclass, phase text, blocks_done bigint, blocks_total bigint,
                               "rows" bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_note_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _note_progress(text, regclass, text, bigint, bigint, bigint) FROM PUBLIC;
CREATE FUNCTION _stamp_queue_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_queue_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION _stamp_queue_guard() FROM PUBLIC;
-- Protected tables whose rows from before protect() are stamped in the
-- background: protect() stamps what it can while it holds the table's lock
-- (listguard.protect_stamp_budget) and queues the rest here; the database's
-- maintenance worker stamps it in committed batches, moving next_block on
-- in each batch's own transaction, so that it resumes after a crash or a
-- restart. relfilenode tells a table rewritten since (its rows moved): it
-- is then gone through again. Written by listguard only; dumped, so that a
-- restore goes on stamping.
CREATE TABLE stamp_queue (
    relid       regclass PRIMARY KEY,
    next_block  bigint NOT NULL,
    end_block   bigint NOT NULL,
    relfilenode oid NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    queued_by   regrole NOT NULL
);
REVOKE ALL ON stamp_queue FROM PUBLIC;
GRANT SELECT ON stamp_queue TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.stamp_queue', '');
CREATE TRIGGER stamp_queue_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON stamp_queue
    FOR EACH STATEMENT EXECUTE FUNCTION _stamp_queue_guard();
-- protect() queued tables in stamp_queue: the maintenance worker stamps them
-- once the transaction commits (and after a restart, until they are done).
CREATE FUNCTION _request_background_stamping() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_request_background_stamping' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _request_background_stamping() FROM PUBLIC;
-- Takes ACCESS EXCLUSIVE on a table in use without stalling it: while a lock
-- request waits, every session that comes after it waits behind it, so the
-- request is made with a short lock_timeout, again and again with a pause
-- between, for about 30 s; after that it waits as LOCK TABLE does.
CREATE FUNCTION _lock_exclusively(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tries integer := 0;
BEGIN
    LOOP
        BEGIN
            -- Local to this function (its SET clause): undone when it returns.
            PERFORM set_config('lock_timeout', '200ms', true);
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
            RETURN;
        EXCEPTION WHEN lock_not_available THEN
            tries := tries + 1;
            EXIT WHEN tries >= 100;
            PERFORM listguard._note_progress('protect', tbl, 'waiting for the table''s lock', 0, 0, 0);
            PERFORM pg_sleep(0.05 + random() * 0.25);
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', '0', true);
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
END
$$;
REVOKE ALL ON FUNCTION _lock_exclusively(regclass) FROM PUBLIC;
-- Protects a table and every table below it (_protect() does it, as the
-- extension's owner). stamp: 'online' stamps the rows already there while
-- it holds the table's lock, for at most listguard.protect_stamp_budget,
-- and leaves the rest to background stamping (listguard.progress shows
-- it); 'now' stamps them all before it returns; 'later' leaves them to
-- stamp_existing().
CREATE OR REPLACE FUNCTION protect(tbl regclass, account_column name, list_column name DEFAULT NULL,
                        audit text DEFAULT 'statement', stamp text DEFAULT 'online') RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Stamps the rows a protected table held before protect(..., stamp =>
-- 'later'), in committed batches of `batch_blocks` blocks: each batch locks
-- only the rows it stamps; listguard.progress shows where it stands (and a
-- NOTICE every 10 s). Interrupted, it
-- can simply be called again (stamped rows are skipped). Until a value is
-- stamped it belongs to no account: only roles with every account see it.
-- A procedure, to commit between batches; so no SET search_path either:
-- every name is qualified.
CREATE OR REPLACE PROCEDURE stamp_existing(tbl regclass, batch_blocks integer DEFAULT 1024)
LANGUAGE plpgsql AS $$
DECLARE
    target record;
BEGIN
    IF batch_blocks IS NULL OR batch_blocks OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'batch_blocks must be at least 1',
            DETAIL = 'It is the number of table blocks stamped per committed batch.';
    END IF;
    FOR target IN SELECT p.relid, p.blocks FROM listguard.stamp_plan(tbl) p LOOP
        FOR from_block IN 0..(target.blocks OPERATOR(pg_catalog.-) 1) BY batch_blocks LOOP
            PERFORM listguard.stamp_batch(target.relid, from_block, from_block OPERATOR(pg_catalog.+) batch_blocks);
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
-- Re-seals every stored value under the current seal key, table by table,
-- in committed batches of `batch_blocks` blocks; listguard.progress shows
-- where it stands (and a NOTICE every 10 s).
-- Interrupted, it can simply be called again: values already under the
-- current key are skipped. A procedure, so no SET search_path: every name
-- is qualified.
CREATE OR REPLACE PROCEDURE reseal_existing(batch_blocks integer DEFAULT 1024)
LANGUAGE plpgsql AS $$
DECLARE
    target record;
    problem text;
BEGIN
    IF batch_blocks IS NULL OR batch_blocks OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'batch_blocks must be at least 1',
            DETAIL = 'It is the number of table blocks re-sealed per committed batch.';
    END IF;
    FOR target IN SELECT p.relid, p.blocks FROM listguard.reseal_plan() p LOOP
        FOR from_block IN 0..(target.blocks OPERATOR(pg_catalog.-) 1) BY batch_blocks LOOP
            -- A table whose own code fails the rewrite (a trigger of its
            -- owner's, say) is left for later; the others go on.
            BEGIN
                PERFORM listguard.reseal_batch(target.relid, from_block, from_block OPERATOR(pg_catalog.+) batch_blocks);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
                RAISE WARNING 'listguard: could not re-seal %: %', target.relid, problem
                    USING HINT = 'Fix it and call listguard.reseal_existing() again; listguard.key_usage() shows what is left.';
                EXIT;
            END;
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
-- How many values each seal key seals, per column of this database; a
-- column whose values listguard cannot reach (nested) shows a null key.
CREATE OR REPLACE FUNCTION _key_usage() RETURNS TABLE (relation regclass, column_name name, key_id text, "values" bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col record;
BEGIN
    FOR col IN SELECT * FROM listguard._email_columns() LOOP
        PERFORM listguard._note_progress('key_usage', col.relid, format('counting the values of column %s', col.column_name),
                                         0, pg_relation_size(col.relid) / current_setting('block_size')::bigint, 0);
        IF col.shape = 'nested' THEN
            RETURN QUERY SELECT col.relid, col.column_name, NULL::text, NULL::bigint;
        ELSIF col.shape = 'plain' THEN
            RETURN QUERY EXECUTE format('SELECT %L::regclass, %L::name, listguard._key_id(%I), count(*) FROM %s %s '
                                        'WHERE %I IS NOT NULL GROUP BY 3 ORDER BY 3',
                                        col.relid, col.column_name, col.column_name,
                                        CASE WHEN col.relkind = 'r' THEN 'ONLY' ELSE '' END, col.relid, col.column_name);
        ELSE
            RETURN QUERY EXECUTE format('SELECT %L::regclass, %L::name, listguard._key_id(x), count(*) FROM %s %s t, '
                                        'unnest(t.%I) x WHERE x IS NOT NULL GROUP BY 3 ORDER BY 3',
                                        col.relid, col.column_name,
                                        CASE WHEN col.relkind = 'r' THEN 'ONLY' ELSE '' END, col.relid, col.column_name);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _key_usage() FROM PUBLIC;
-- Retires a seal key in this database: refused while it is the current key
-- or any value here may still need it; then recorded, and the key leaves
-- the key file once no database of the cluster needs it.
CREATE OR REPLACE FUNCTION _retire_key(key_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    still text;
    pending text[];
BEGIN
    SELECT * INTO k FROM listguard._keys() x WHERE x.key_id = _retire_key.key_id AND x.kind = 'seal';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = format('seal key %s is not in the keyring', key_id), HINT = 'listguard.keys() lists the keyring.';
    END IF;
    IF k.current THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = format('seal key %s is the current key', key_id),
            HINT = 'Make another key current first: listguard.add_key() or listguard.use_key().';
    END IF;
    -- Values written by transactions that began before the key stopped being
    -- current are seen by the check below.
    PERFORM listguard._note_progress('retire_key', NULL, 'waiting for older transactions', 0, 0, 0);
    PERFORM listguard._wait_for_older_transactions();
    SELECT string_agg(CASE WHEN u.key_id IS NULL
                           THEN format('%s.%I: values inside composite or range values, which listguard cannot check',
                                       u.relation, u.column_name)
                           ELSE format('%s.%I: %s values', u.relation, u.column_name, u."values") END, E'\n')
    INTO still FROM listguard._key_usage() u WHERE u.key_id = _retire_key.key_id OR u.key_id IS NULL;
    IF still IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use',
            MESSAGE = format('seal key %s still seals values in this database', key_id), DETAIL = still,
            HINT = 'CALL listguard.reseal_existing() re-seals them under the current key; values in arrays need '
                   'UPDATE ... SET col = ARRAY(SELECT listguard._resealed(x) FROM unnest(col) x).';
    END IF;
    SELECT string_agg(c.object, E'\n' ORDER BY c.object) INTO still
    FROM listguard._email_constants() c WHERE c.key_id = _retire_key.key_id;
    IF still IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use',
            MESSAGE = format('seal key %s still seals listguard.email constants kept in the catalogs', key_id),
            DETAIL = still,
            HINT = 'Create these objects again (a default with ALTER TABLE ... ALTER COLUMN ... SET DEFAULT, say): '
                   'their constants are then sealed under the current key.';
    END IF;
    PERFORM listguard._note_progress('retire_key', NULL, 'retiring', 0, 0, 0);
    pending := listguard._retire_key_material(key_id);
    IF cardinality(pending) > 0 THEN
        RAISE NOTICE USING MESSAGE = format('seal key %s is retired in this database', key_id),
            DETAIL = format('It stays in the keyring until these databases retire it too: %s.',
                            array_to_string(pending, ', '));
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _retire_key(text) FROM PUBLIC;

-- Retention of the audit trail: archive_audit() moves old events into
-- sealed segment files (listguard.audit_archive_directory), recorded in
-- audit_archives; what archived events said of canaries is kept for
-- trace() and report_canary_hit().
-- audit_archives and canary_reveal_history are written by archive_audit()
-- only; a row a superuser inserts is a restore's (an archive record is
-- marked restored); every other change by a superuser is recorded, other
-- roles are refused.
CREATE FUNCTION _archive_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_archives_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION _archive_guard() FROM PUBLIC;
-- The segments archive_audit() wrote: which events each holds, the chain's
-- head before and after them, sealed with the audit key like the segment
-- itself. verify_audit() goes on from the last one's exit link; dumps carry
-- them, so that a restored log (which starts after its archived events)
-- verifies too (restored_at marks those). gap_events and last_gap_at say
-- whether the archived events held audit_gap events (canary verdicts need
-- to know).
CREATE TABLE audit_archives (
    segment     text PRIMARY KEY,
    source      text NOT NULL,
    first_id    bigint NOT NULL,
    last_id     bigint NOT NULL,
    entry_link  bytea NOT NULL,
    exit_link   bytea NOT NULL,
    events      bigint NOT NULL,
    archived_at timestamptz NOT NULL,
    seal        bytea NOT NULL,
    gap_events  bigint NOT NULL DEFAULT 0,
    last_gap_at timestamptz,
    restored_at timestamptz
);
CREATE UNIQUE INDEX audit_archives_last_id ON audit_archives (last_id);
REVOKE ALL ON audit_archives FROM PUBLIC;
GRANT SELECT ON audit_archives TO listguard_admin, listguard_backup;
-- Monitors: the segments and their extent, not their links and seals.
GRANT SELECT (segment, source, first_id, last_id, events, archived_at, gap_events, last_gap_at, restored_at)
    ON audit_archives TO listguard_monitor, pg_monitor;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_archives', '');
CREATE TRIGGER audit_archives_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_archives
    FOR EACH ROW EXECUTE FUNCTION _archive_guard();
CREATE TRIGGER audit_archives_truncated BEFORE TRUNCATE ON audit_archives
    FOR EACH STATEMENT EXECUTE FUNCTION _archive_guard();
-- What archived clear_reveal events said of canaries (their sealed records):
-- when each canary was first and last revealed, and in how many events.
-- trace() and report_canary_hit() read it with the events still in the
-- table, so that archiving does not erase the evidence.
CREATE TABLE canary_reveal_history (
    canary         bigint PRIMARY KEY,
    first_revealed timestamptz NOT NULL,
    last_revealed  timestamptz NOT NULL,
    reveals        bigint NOT NULL
);
REVOKE ALL ON canary_reveal_history FROM PUBLIC;
GRANT SELECT ON canary_reveal_history TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_reveal_history', '');
CREATE TRIGGER canary_reveal_history_guard BEFORE INSERT OR UPDATE OR DELETE ON canary_reveal_history
    FOR EACH ROW EXECUTE FUNCTION _archive_guard();
CREATE TRIGGER canary_reveal_history_truncated BEFORE TRUNCATE ON canary_reveal_history
    FOR EACH STATEMENT EXECUTE FUNCTION _archive_guard();
-- Moves the audit log's events older than `before` into a segment file in
-- listguard.audit_archive_directory (on the server), checked as they are
-- written, and out of the table, in one transaction that records the
-- segment in audit_archives and appends an audit_archived event. Returns
-- the segment's name, its events and how many of each kind; no row when
-- nothing is that old.
CREATE FUNCTION archive_audit(before timestamptz)
    RETURNS TABLE (segment text, first_id bigint, last_id bigint, events bigint, kinds jsonb)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _archive_audit(before timestamptz)
    RETURNS TABLE (segment text, first_id bigint, last_id bigint, events bigint, kinds jsonb)
    AS 'MODULE_PATHNAME', 'lg_archive_audit' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _archive_audit(timestamptz) FROM PUBLIC;
-- Checks archived segments offline: one segment (its name in the archive
-- directory, or, for superusers, any path), or every segment of a
-- directory (the archive directory by default) and how they chain, and
-- this database's record of what it archived against what is there. A row
-- per segment: a segment changed, cut, renamed, moved, or missing between
-- or after others is not ok, with the first event concerned.
CREATE FUNCTION verify_audit_archive(path text DEFAULT NULL)
    RETURNS TABLE (segment text, ok boolean, first_id bigint, last_id bigint, checked bigint, first_broken bigint,
                   problem text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _verify_audit_archive(path text)
    RETURNS TABLE (segment text, ok boolean, first_id bigint, last_id bigint, checked bigint, first_broken bigint,
                   problem text)
    AS 'MODULE_PATHNAME', 'lg_verify_audit_archive' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _verify_audit_archive(text) FROM PUBLIC;
-- The events of an archived segment that verifies, as audit_log held them.
CREATE FUNCTION read_audit_archive(segment text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _read_audit_archive(segment text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'lg_read_audit_archive' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _read_audit_archive(text) FROM PUBLIC;

-- Citus (docs/citus.md): the catalog on every node, protect() of Citus tables.
-- The generation of listguard's catalog on a node of a Citus cluster
-- (docs/citus.md): on the coordinator, the last one it sent; on a worker, the
-- one it holds. A worker takes only a newer catalog, so that a copy its link
-- took before a change cannot undo it. One row; nobody but listguard's own
-- code changes it.
CREATE TABLE catalog_generation (generation bigint NOT NULL);
INSERT INTO catalog_generation VALUES (0);
REVOKE ALL ON catalog_generation FROM PUBLIC;
-- A value's transit token (docs/citus.md): the catalog a Citus coordinator
-- sends its workers carries canary addresses so, each opened by the
-- worker's keyring with its stamp and canary mark. A token gives nothing
-- the value itself would not (it comes back as the same value); only
-- listguard's own code, as the extension's owner, needs it.
CREATE FUNCTION _transit_token(email) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_transit_token' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _transit_token(email) FROM PUBLIC;
-- A Citus worker's link (pg/replica/standby_link.h) takes the coordinator's
-- catalog (grants, protections of Citus tables, canaries; canary addresses
-- in transit) through this: null when the generation the worker holds is
-- the catalog's.
CREATE FUNCTION _citus_catalog(held bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_citus_catalog' LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _citus_catalog(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _citus_catalog(bigint) TO listguard_standby;
-- On a Citus worker: the coordinator's catalog replaces this node's. The
-- coordinator's listguard runs it through Citus as its extension's owner;
-- the function itself refuses any caller but a superuser, and a catalog
-- made under another keyring.
CREATE FUNCTION _citus_apply_catalog(snapshot text) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_citus_apply_catalog' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _citus_apply_catalog(text) FROM PUBLIC;
-- On the coordinator of a Citus cluster: sends the catalog to every other
-- node now, in this transaction (else it goes when the transaction commits).
CREATE FUNCTION _citus_push_catalog() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_citus_push_catalog' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _citus_push_catalog() FROM PUBLIC;
-- Whether a table is a Citus table (distributed, reference or Citus-managed
-- local): protect() stamps its rows on the nodes that hold its shards and
-- lets Citus create its triggers there. False without Citus.
CREATE FUNCTION _citus_table(tbl regclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_citus_table' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _citus_table(regclass) FROM PUBLIC;
-- _stamped() for a Citus table's UPDATE (_citus_stamp()): Citus sends an
-- UPDATE to the shards, where it runs on each placement over the connection
-- that holds the table's locks, only if the functions it calls with the
-- row's columns are immutable. The same C function: its result depends on
-- its arguments (and the keyring, which no plan outlives unchanged).
CREATE FUNCTION _citus_stamped(email, bigint, bigint) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_stamped' LANGUAGE C IMMUTABLE STRICT;
REVOKE ALL ON FUNCTION _citus_stamped(email, bigint, bigint) FROM PUBLIC;
-- _unstamped() for a Citus table's UPDATE (see _citus_stamped()).
CREATE FUNCTION _citus_unstamped(email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_unstamped' LANGUAGE C IMMUTABLE STRICT;
REVOKE ALL ON FUNCTION _citus_unstamped(email) FROM PUBLIC;
-- protect() of a Citus table stamps the rows already there, in its shards
-- on every node: one UPDATE through Citus (the table is locked already;
-- Citus runs it on each placement over the connection that holds the
-- lock), as the extension's owner, before the table has listguard's
-- triggers. Values already stamped keep their stamp, as _stamp_batch()
-- keeps them.
CREATE FUNCTION _citus_stamp(tbl regclass) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p record;
    sets text;
    unstamped text;
    stamped bigint;
BEGIN
    SELECT q.account_column, q.list_column INTO p FROM listguard.protected_tables q WHERE q.relid = tbl;
    SELECT string_agg(format('%1$I = listguard._citus_stamped(%1$I, %2$I::pg_catalog.int8, %3$s::pg_catalog.int8)',
                             a.attname, p.account_column, coalesce(quote_ident(p.list_column), '0')), ', '),
           string_agg(format('listguard._citus_unstamped(%I)', a.attname), ' OR ')
      INTO sets, unstamped
      FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
       AND (a.atttypid = 'listguard.email'::regtype
            OR (ty.typtype = 'd' AND ty.typbasetype = 'listguard.email'::regtype));
    IF sets IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('UPDATE %s SET %s WHERE %s', tbl, sets, unstamped);
    GET DIAGNOSTICS stamped = ROW_COUNT;
    IF stamped > 0 THEN
        PERFORM listguard._record_protection_event(tbl, jsonb_build_object('action', 'stamp existing rows',
                                                                           'stamped', stamped));
    END IF;
    RETURN stamped;
END
$$;
REVOKE ALL ON FUNCTION _citus_stamp(regclass) FROM PUBLIC;
-- Removes listguard's policies and triggers from a table (not the triggers a
-- partition has cloned from its parent: they go with the parent's).
CREATE OR REPLACE FUNCTION _drop_protection(tbl regclass) RETURNS void
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
    DELETE FROM listguard.stamp_queue WHERE relid = tbl;
END
$$;
REVOKE ALL ON FUNCTION _drop_protection(regclass) FROM PUBLIC;
-- The tables below tbl's protection root that hold rows, and their size in
-- blocks.
CREATE OR REPLACE FUNCTION _stamp_plan(tbl regclass) RETURNS TABLE (relid regclass, blocks bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    -- A Citus table is stamped in one batch, through Citus (_stamp_batch()).
    SELECT p.relid, CASE WHEN listguard._citus_table(p.relid) THEN 1
                         ELSE pg_relation_size(p.relid) / current_setting('block_size')::bigint END
    FROM listguard.protected_tables p JOIN pg_class c ON c.oid = p.relid
    WHERE p.root = (SELECT q.root FROM listguard.protected_tables q WHERE q.relid = tbl) AND c.relkind = 'r'
    ORDER BY p.relid::text
$$;
REVOKE ALL ON FUNCTION _stamp_plan(regclass) FROM PUBLIC;
CREATE OR REPLACE FUNCTION stamp_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION stamp_trigger() FROM PUBLIC;
-- Citus creates a protected table's shards, with this trigger, as the
-- table's owner (docs/citus.md).
GRANT EXECUTE ON FUNCTION stamp_trigger() TO listguard_owner;
CREATE OR REPLACE FUNCTION audit_statement_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_statement_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_statement_trigger() FROM PUBLIC;
-- Citus creates a protected table's shards, with this trigger, as the
-- table's owner (docs/citus.md).
GRANT EXECUTE ON FUNCTION audit_statement_trigger() TO listguard_owner;
CREATE OR REPLACE FUNCTION audit_row_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_row_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_row_trigger() FROM PUBLIC;
-- Citus creates a protected table's shards, with this trigger, as the
-- table's owner (docs/citus.md).
GRANT EXECUTE ON FUNCTION audit_row_trigger() TO listguard_owner;

-- Leak attribution (issue 27). Canaries get a slot, a number among those of
-- their account, by which the sealed record of every clear_reveal event
-- notes each canary read (however many), and the keyed digests of their
-- loose form and domain, which trace_leak() and report_canary_hit() match
-- without opening an address. Reveal summaries (what each role read in
-- clear, per day) are kept from now on.
-- The keyed digest of a stored value's domain (canaries.domain_digest).
CREATE FUNCTION _domain_digest_of(email) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lg_domain_digest_of' LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _domain_digest_of(email) FROM PUBLIC;
ALTER TABLE canaries ADD COLUMN slot integer, ADD COLUMN loose_digest bytea, ADD COLUMN domain_digest bytea;
UPDATE canaries c SET loose_digest = _loose_digest_of(c.address), domain_digest = _domain_digest_of(c.address);
UPDATE canaries c SET slot = s.n
FROM (SELECT k.id, (row_number() OVER (PARTITION BY k.account ORDER BY k.planted_at, k.id) - 1)::integer AS n
      FROM canaries k WHERE k.role IS NOT NULL) s
WHERE s.id = c.id;
CREATE UNIQUE INDEX canaries_slot ON canaries (account, slot) WHERE slot IS NOT NULL;
CREATE INDEX canaries_loose_digest ON canaries (loose_digest);
-- Per role and day (UTC), which addresses the role read in clear, as
-- parts of a Bloom filter over keyed digests (core/canary/reveal_summary.h):
-- never an address, and nothing that tells a canary from another row. The
-- audit writer folds the backends' spool files into it; trace_leak(),
-- trace() and report_canary_hit() read it. A role is recorded under itself
-- and, when another role's session read as it, under that session's login
-- too. Readable by admins (and backups) only.
CREATE TABLE reveal_summaries (
    role  regrole NOT NULL,
    day   date NOT NULL,
    part  smallint NOT NULL,
    items integer NOT NULL,
    bits  bytea NOT NULL,
    PRIMARY KEY (role, day, part)
);
REVOKE ALL ON reveal_summaries FROM PUBLIC;
GRANT SELECT ON reveal_summaries TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.reveal_summaries', '');
-- Since when the reveal summaries are kept in this database (installing or
-- updating to 0.3.0): trace_leak() takes a role's summaries for complete only
-- for a period they cover. Readable by admins (and backups) only.
CREATE TABLE reveal_summaries_since (
    since timestamptz NOT NULL
);
REVOKE ALL ON reveal_summaries_since FROM PUBLIC;
GRANT SELECT ON reveal_summaries_since TO listguard_admin, listguard_backup;
INSERT INTO reveal_summaries_since VALUES (now());
SELECT pg_catalog.pg_extension_config_dump('listguard.reveal_summaries_since', '');
-- Records of listguard 0.2 are still opened (by id), by the new function.
DROP FUNCTION _canary_reveal_count(text, bigint);
-- Whether a clear_reveal event's sealed record notes a canary: by its slot
-- when the event is in the canary's own account, else by its id.
CREATE FUNCTION _canary_in_record(record text, canary_id bigint, slot integer, own_account boolean) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_canary_in_record' LANGUAGE C STABLE;
REVOKE ALL ON FUNCTION _canary_in_record(text, bigint, integer, boolean) FROM PUBLIC;
-- Which of the roles read the address with this loose digest in clear from
-- day `since` on, and on which days first and last (the reveal summaries).
CREATE FUNCTION _revealed_by(loose_digest bytea, roles regrole[], since date)
    RETURNS TABLE (role regrole, first_day date, last_day date)
    AS 'MODULE_PATHNAME', 'lg_revealed_by' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _revealed_by(bytea, regrole[], date) FROM PUBLIC;
-- The slot of the next canary planted in an account: the lowest number no
-- canary of the account has. The sealed record of every clear_reveal event
-- has one bit per slot of the fullest account (core/canary/reveal_record.h),
-- up to 6144 in an account, removed canaries included (their old reveals are
-- still traced by their slots). Planting waits for another planting in the
-- same account to end.
CREATE FUNCTION _next_canary_slot(account bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    slot integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('listguard canary slots'), hashint8(account));
    SELECT coalesce(min(s.n), 0) INTO slot
    FROM (SELECT 0 AS n WHERE NOT EXISTS (SELECT 1 FROM listguard.canaries c
                                          WHERE c.account = _next_canary_slot.account AND c.slot = 0)
          UNION ALL
          SELECT c.slot + 1 FROM listguard.canaries c
          WHERE c.account = _next_canary_slot.account AND c.slot IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM listguard.canaries d
                            WHERE d.account = _next_canary_slot.account AND d.slot = c.slot + 1)) s;
    IF slot >= 6144 THEN
        RAISE EXCEPTION USING ERRCODE = 'program_limit_exceeded',
            MESSAGE = format('account %s has 6144 canaries, the most one account can hold', account),
            DETAIL = 'Each canary of an account, removed ones included, has a slot in the sealed records of '
                     'clear_reveal events.';
    END IF;
    RETURN slot;
END
$$;
REVOKE ALL ON FUNCTION _next_canary_slot(bigint) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _add_canary_addresses(addresses text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    added integer;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
    IF addresses IS NULL OR cardinality(addresses) = 0 THEN
        PERFORM listguard._invalid('no canary addresses given', 'add_canary_addresses() needs an array of addresses.');
    END IF;
    IF array_position(addresses, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('canary addresses must not be null', 'The array holds a null.');
    END IF;
    -- Input seals each address (an invalid one fails with 22P02, never
    -- echoed; one that fills its size bucket, with no room for the canary
    -- mark, with 22023); one already known, in any spelling, is skipped.
    PERFORM listguard._as_canary(listguard.email(x)) FROM unnest(addresses) x;
    WITH given AS (
        SELECT DISTINCT ON (listguard._value_digest(a.e)) a.e
        FROM (SELECT listguard.email(x) AS e FROM unnest(addresses) x) a
    )
    INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
    SELECT g.e, 'added', listguard.calling_role(), listguard._loose_digest_of(g.e), listguard._domain_digest_of(g.e)
    FROM given g
    ON CONFLICT (address) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    PERFORM listguard._record_canary_event('add', NULL, NULL, NULL,
        jsonb_build_object('given', cardinality(addresses), 'added', added), NULL);
    RETURN added;
END
$$;
REVOKE ALL ON FUNCTION _add_canary_addresses(text[]) FROM PUBLIC;
-- Canary rows are made like the list's own: names that fit the address,
-- other columns drawn one by one, the domains of the list's own shares.
DROP FUNCTION _take_canary_address(regclass, name, text, text[]);
-- How a stored value's local part is made from its row's names
-- (core/canary/local_part.h): {0}.{1}99, {0i}{1}, w99, ...; never the address.
CREATE FUNCTION _local_part_template(email, names text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_template' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _local_part_template(email, text[]) FROM PUBLIC;
-- A local part made in a template from a row's names.
CREATE FUNCTION _local_part_from_template(template text, names text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_from_template' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _local_part_from_template(text, text[]) FROM PUBLIC;
-- The names a row would have if a stored value's local part (a canary
-- mailbox's) was made from them in the template (an initial alone takes a
-- name of `known`, the list's, that starts with it); null if it was not.
CREATE FUNCTION _names_for_local_part(email, template text, names text[], known text[]) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lg_names_for_local_part' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _names_for_local_part(email, text, text[], text[]) FROM PUBLIC;
-- An address for a canary row modelled on a real row of its list (see
-- _plant_canaries()): tmpl is how that row's local part is made from its
-- names, tmpl_domain its domain, common whether that domain is a common
-- provider of the list. For a common provider: a mailbox from the pool,
-- at that provider if the pool has one (else at another), with the row's
-- names changed to those its local part shows (tried in the list's
-- templates); for a rare domain, or with no mailbox left: an address made
-- in the template from the names, at the canary domain this list uses least
-- where neither the table nor the registry has that address.
-- Returns the id of its canaries row (a pool row stays in the pool until
-- the canary row is in) and the names, or no row.
CREATE FUNCTION _canary_address(tbl regclass, email_column name, scope_filter text, tmpl text, tmpl_domain text,
                                common boolean, names text[], templates text[], known_names text[],
                                canary_domains text[], domain_use jsonb)
    RETURNS TABLE (id bigint, fitted text[])
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    candidate listguard.canaries;
    on_list boolean;
    other text;
    made text;
    domain text;
    taken bigint;
BEGIN
    IF common OR cardinality(canary_domains) = 0 THEN
        FOR candidate IN SELECT * FROM listguard.canaries c WHERE c.role IS NULL AND c.removed_at IS NULL
                         ORDER BY listguard._address_domain(c.address) = tmpl_domain DESC, random()
                         FOR UPDATE SKIP LOCKED LOOP
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE %s AND t.%I = $1)', tbl, scope_filter, email_column)
                INTO on_list USING candidate.address;
            CONTINUE WHEN on_list;
            id := candidate.id;
            fitted := names;
            IF cardinality(names) > 0 THEN
                -- The names its local part shows, in the row's own template
                -- or another of the list's that shows names, if they are
                -- names the list has (jsmith1988 is no first name).
                fitted := NULL;
                FOR other IN SELECT tmpl UNION ALL
                             (SELECT x FROM unnest(templates) x WHERE x LIKE '%{%' ORDER BY random() LIMIT 200) LOOP
                    fitted := listguard._names_for_local_part(candidate.address, other, names, known_names);
                    EXIT WHEN fitted IS NOT NULL;
                END LOOP;
                fitted := coalesce(fitted, names);
            END IF;
            RETURN NEXT;
            RETURN;
        END LOOP;
    END IF;
    IF cardinality(canary_domains) = 0 THEN
        RETURN;
    END IF;
    made := listguard._local_part_from_template(tmpl, names);
    IF made IS NULL THEN
        RETURN;
    END IF;
    -- At the least used canary domain where no row of the table (of any
    -- list) has that address: a subscriber at a canary domain must never
    -- share an address with a canary (its mail, and its lines in every
    -- export of its list, would be taken for the canary's).
    FOR domain IN SELECT d FROM unnest(canary_domains) d ORDER BY coalesce((domain_use->>d)::int, 0), random() LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE t.%I = $1)', tbl, email_column)
            INTO on_list USING listguard.email(made || '@' || domain);
        -- Nor one that is a canary already (then the next domain, too).
        EXIT WHEN NOT on_list AND NOT EXISTS (SELECT 1 FROM listguard.canaries c
                                              WHERE c.address = listguard.email(made || '@' || domain));
        domain := NULL;
    END LOOP;
    IF domain IS NULL THEN
        RETURN;
    END IF;
    made := made || '@' || domain;
    -- One that fills its size bucket has no room for the mark.
    BEGIN
        PERFORM listguard._as_canary(listguard.email(made));
    EXCEPTION WHEN invalid_parameter_value OR invalid_text_representation THEN
        RETURN;
    END;
    INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
    VALUES (listguard.email(made), 'generated', listguard.calling_role(),
            listguard._loose_digest_of(listguard.email(made)), listguard._domain_digest_of(listguard.email(made)))
    ON CONFLICT (address) DO NOTHING
    RETURNING canaries.id INTO taken;
    IF taken IS NULL THEN
        RETURN;
    END IF;
    id := taken;
    fitted := names;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION _canary_address(regclass, name, text, text, text, boolean, text[], text[], text[], text[], jsonb)
    FROM PUBLIC;
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
CREATE OR REPLACE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer)
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
-- Canaries planned over a period and planted one at a time.
-- Canaries to plant later (plan_canaries()), one row each: the protection
-- root, list and role it is for, and when it is due. plant_due_canaries()
-- plants those due, so that canaries arrive one at a time among real
-- signups. Readable by admins (and backups) only; changed through listguard's functions
-- only.
CREATE TABLE canary_plans (
    id         bigserial PRIMARY KEY,
    relid      regclass NOT NULL,
    account    bigint NOT NULL,
    list       bigint,
    role       regrole NOT NULL,
    due_at     timestamptz NOT NULL,
    planned_by regrole NOT NULL,
    planned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canary_plans_due ON canary_plans (due_at);
REVOKE ALL ON canary_plans FROM PUBLIC;
GRANT SELECT ON canary_plans TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_plans', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_plans_id_seq', '');
GRANT SELECT ON SEQUENCE canary_plans_id_seq TO listguard_backup;
CREATE TRIGGER canary_plans_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON canary_plans
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE FUNCTION plan_canaries(tbl regclass, account bigint, list bigint, roles regrole[] DEFAULT NULL,
                              per_role integer DEFAULT 3, over interval DEFAULT '30 days') RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION plant_due_canaries(at_most integer DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
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
-- Plants the planned canaries that are due (plan_canaries()), the longest
-- due first, at most at_most of them: call it from a job every few minutes.
-- A plan that cannot be planted now (its list has no rows yet, the pool and
-- the canary domains are empty) stays, with a WARNING; one whose table is no
-- longer protected goes.
CREATE FUNCTION _plant_due_canaries(at_most integer) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    plan listguard.canary_plans;
    planted integer := 0;
    message text;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
    IF at_most IS NOT NULL AND at_most < 1 THEN
        PERFORM listguard._invalid(format('invalid at_most %s', at_most), 'Plant at least one, or pass NULL for all.');
    END IF;
    FOR plan IN SELECT * FROM listguard.canary_plans c WHERE c.due_at <= now()
                ORDER BY c.due_at LIMIT at_most FOR UPDATE SKIP LOCKED LOOP
        IF NOT EXISTS (SELECT 1 FROM listguard.protected_tables q WHERE q.relid = plan.relid) THEN
            DELETE FROM listguard.canary_plans c WHERE c.id = plan.id;
            CONTINUE;
        END IF;
        BEGIN
            planted := planted + listguard._plant_canaries(plan.relid, plan.account, plan.list, ARRAY[plan.role], 1);
            DELETE FROM listguard.canary_plans c WHERE c.id = plan.id;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
            RAISE WARNING 'listguard: a planned canary of % could not be planted: %', plan.relid, message;
        END;
    END LOOP;
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_due_canaries(integer) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _remove_canaries(tbl regclass, account bigint, list bigint, roles regrole[]) RETURNS integer
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
-- What the audit trail says of a planted canary: its role's clear reveals of
-- the canary's list since planting, and when the role (or a member, or its
-- login under another role) read this canary in clear — from the
-- clear_reveal events (kept while listguard.audit_reveals is on), whose
-- sealed "canaries" record notes every one of the role's own canaries among
-- the values (by slot in their own account, by id elsewhere). Events
-- archived since (archive_audit()) left when the canary was read in
-- canary_reveal_history; clear_reveals counts what the table still holds.
CREATE OR REPLACE FUNCTION _canary_reveals(c listguard.canaries, OUT clear_reveals bigint, OUT first_revealed timestamptz,
                                OUT last_revealed timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.clear_reveals, least(s.first_revealed, h.first_revealed), greatest(s.last_revealed, h.last_revealed)
    FROM (SELECT coalesce(sum((a.counts->>'clear')::bigint)
                              FILTER (WHERE a.account = c.account
                                        AND a.list IS NOT DISTINCT FROM coalesce(c.list, 0)), 0) AS clear_reveals,
                 min(a.logged_at) FILTER (WHERE listguard._canary_in_record(a.detail->>'canaries', c.id, c.slot,
                                                                             a.account IS NOT DISTINCT FROM c.account))
                     AS first_revealed,
                 max(a.logged_at) FILTER (WHERE listguard._canary_in_record(a.detail->>'canaries', c.id, c.slot,
                                                                             a.account IS NOT DISTINCT FROM c.account))
                     AS last_revealed
          FROM listguard.audit_log a
          WHERE a.kind = 'clear_reveal' AND a.logged_at >= c.planted_at
            AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN (a.detail->>'role', a.session_user_name)
                        AND listguard._is_member_of(r.oid::regrole, c.role))) s
    LEFT JOIN listguard.canary_reveal_history h ON h.canary = c.id
$$;
REVOKE ALL ON FUNCTION _canary_reveals(listguard.canaries) FROM PUBLIC;
-- The roles that could have seen a planted canary: the role it was planted
-- for, every role that is a member of it (inheriting or not: they could SET
-- ROLE to it), and the senders whose grant covers its list, with the roles
-- that receive their grants.
CREATE FUNCTION _canary_seers(c listguard.canaries) RETURNS TABLE (role regrole, sees text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE members(r) AS (
        SELECT c.role::oid
        UNION SELECT m.member FROM pg_auth_members m JOIN members ON m.roleid = members.r
    ), senders AS (
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.sends AND (g.account IS NULL OR g.account = c.account)
          AND (g.list IS NULL OR g.list IS NOT DISTINCT FROM c.list)
    )
    SELECT x.role, x.sees FROM (
        SELECT m.r::regrole AS role, CASE WHEN m.r = c.role::oid THEN 'planted for' ELSE 'member' END AS sees,
               CASE WHEN m.r = c.role::oid THEN 0 ELSE 1 END AS rank
        FROM members m
        UNION ALL
        SELECT r.oid::regrole, 'sender', 2 FROM pg_roles r
        WHERE EXISTS (SELECT 1 FROM senders s WHERE listguard.role_receives_grants_of(r.oid::regrole, s.grantee))
          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.r = r.oid)
    ) x
    ORDER BY x.rank, x.role::text
$$;
REVOKE ALL ON FUNCTION _canary_seers(listguard.canaries) FROM PUBLIC;
-- Whether the reveal summaries say everything a role read in clear since a
-- moment: kept since then, no audit gap since (keys of a crashed backend, or
-- a spool file that could not be written), and the role read nothing on a
-- hot standby (whose reveals are in the trail, not in the summaries).
CREATE FUNCTION _reveals_complete(who regrole, since timestamptz) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT min(s.since) FROM listguard.reveal_summaries_since s) <= since, false)
       AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a WHERE a.kind = 'audit_gap' AND a.logged_at >= since)
       AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a
                       WHERE a.kind = 'clear_reveal' AND a.origin IS NOT NULL AND a.logged_at >= since
                         AND who::text IN (a.current_user_name, a.session_user_name))
$$;
REVOKE ALL ON FUNCTION _reveals_complete(regrole, timestamptz) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _trace(address text)
    RETURNS TABLE (canary boolean, role regrole, account bigint, list bigint, planted_at timestamptz,
                   clear_reveals bigint, first_revealed timestamptz, last_revealed timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'trace() needs an address.';
    END IF;
    RETURN QUERY
        SELECT true, c.role, c.account, c.list, c.planted_at, r.clear_reveals, r.first_revealed, r.last_revealed
        FROM listguard.canaries c, LATERAL listguard._canary_reveals(c) r
        WHERE c.role IS NOT NULL AND c.loose_digest = digest
        ORDER BY c.planted_at;
    IF NOT FOUND THEN
        RETURN QUERY SELECT false, NULL::regrole, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::bigint,
                            NULL::timestamptz, NULL::timestamptz;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _trace(text) FROM PUBLIC;
-- trace_leak() and report_canary_hit() return more: who could have seen a
-- canary, what it read, and the odds.
DROP FUNCTION trace_leak(text[]);
DROP FUNCTION _trace_leak(text[]);
-- Who could have leaked a file of addresses, and who likely did
-- (src/pg/canary/trace_leak.cpp, core/canary/attribution.h): the roles that
-- could have seen a canary of the file, each with the canaries of the file it
-- could see, those it could see, those it read in clear (null: the trail
-- cannot tell), the share of the file's known addresses it read in clear
-- (null: cannot tell), and the odds (log10) that the file is better explained
-- with it as a source than without; likely when they pass 5.
CREATE FUNCTION _trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_visible integer, canaries_revealed integer,
                   addresses_revealed real, odds real, likely boolean)
    AS 'MODULE_PATHNAME', 'lg_trace_leak' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _trace_leak(text[]) FROM PUBLIC;
CREATE FUNCTION trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_visible integer, canaries_revealed integer,
                   addresses_revealed real, odds real, likely boolean)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
DROP FUNCTION report_canary_hit(text, timestamptz, text);
DROP FUNCTION _report_canary_hit(text, timestamptz, text);
-- A spam trap hit: mail arrived at an address. When it is a canary: an
-- event (and a NOTIFY on listguard_canary, ids only), and one row for each
-- role that could have seen it (_canary_seers()), with whether it read the
-- canary in clear before the hit and on which days first and last (the
-- reveal summaries, and the sealed records of its clear_reveal events). The
-- verdict: a leak when one of them read it before; probable guessing when
-- none did; unknown when the trail cannot tell (a gap, reveals on a standby,
-- summaries kept only since later).
CREATE FUNCTION _report_canary_hit(address text, seen_at timestamptz, source text)
    RETURNS TABLE (role regrole, sees text, revealed boolean, first_revealed date, last_revealed date)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
    c listguard.canaries;
    h record;
    record_first timestamptz;
    seen_day date := (seen_at AT TIME ZONE 'UTC')::date;
    complete boolean := true;
    could_see text[] := '{}';
    read_by text[] := '{}';
    verdict text;
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'report_canary_hit() needs the address the mail was sent to.';
    END IF;
    SELECT * INTO c FROM listguard.canaries k
    WHERE k.role IS NOT NULL AND k.loose_digest = digest
    ORDER BY k.planted_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT r.first_revealed INTO record_first FROM listguard._canary_reveals(c) r;
    FOR h IN
        WITH seers AS (SELECT s.role, s.sees, row_number() OVER () AS n FROM listguard._canary_seers(c) s),
             read AS (SELECT b.role, b.first_day, b.last_day
                      FROM listguard._revealed_by(c.loose_digest, ARRAY(SELECT s.role FROM seers s),
                                                  (c.planted_at AT TIME ZONE 'UTC')::date) b)
        SELECT s.role, s.sees, b.first_day, b.last_day, listguard._reveals_complete(s.role, c.planted_at) AS complete
        FROM seers s LEFT JOIN read b ON b.role = s.role ORDER BY s.n
    LOOP
        role := h.role;
        sees := h.sees;
        first_revealed := h.first_day;
        last_revealed := h.last_day;
        revealed := h.first_day IS NOT NULL AND (seen_at IS NULL OR h.first_day <= seen_day);
        -- The sealed records of its own clear_reveal events, to the moment.
        IF h.sees = 'planted for' AND record_first IS NOT NULL THEN
            revealed := revealed OR seen_at IS NULL OR record_first <= seen_at;
            first_revealed := least(first_revealed, (record_first AT TIME ZONE 'UTC')::date);
            last_revealed := greatest(last_revealed, (record_first AT TIME ZONE 'UTC')::date);
        END IF;
        could_see := could_see || h.role::text;
        IF revealed THEN
            read_by := read_by || h.role::text;
        END IF;
        complete := complete AND h.complete;
        RETURN NEXT;
    END LOOP;
    verdict := CASE WHEN cardinality(read_by) > 0 THEN 'leak'
                    WHEN NOT complete THEN 'unknown: the trail cannot tell what every role that could see it read'
                    ELSE 'probable guessing' END;
    PERFORM listguard._record_canary_event('hit', c.id, c.account, c.list,
        jsonb_build_object('role', c.role::text, 'seen_at', seen_at, 'source', source, 'could_see', could_see,
                           'revealed_by', read_by, 'revealed', cardinality(read_by) > 0, 'verdict', verdict),
        c.address);
    PERFORM pg_notify('listguard_canary', json_build_object('canary', c.id, 'event', 'hit')::text);
END
$$;
REVOKE ALL ON FUNCTION _report_canary_hit(text, timestamptz, text) FROM PUBLIC;
CREATE FUNCTION report_canary_hit(address text, seen_at timestamptz DEFAULT now(), source text DEFAULT NULL)
    RETURNS TABLE (role regrole, sees text, revealed boolean, first_revealed date, last_revealed date)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
