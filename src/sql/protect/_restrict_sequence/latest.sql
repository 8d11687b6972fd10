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
