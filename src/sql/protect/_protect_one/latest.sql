-- Protects one table (root: the table whose protect() covers it): row
-- security with listguard's policies and ownership by listguard_owner (the
-- triggers come from _protect_triggers()). Its former owner keeps reading
-- and writing (as its grants allow) but may no longer change the table.
CREATE FUNCTION _protect_one(tbl regclass, root regclass, account_column name, list_column name, audit text)
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
