-- Every table under a protection root gets the canary policy.
CREATE FUNCTION _canary_policies(root regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
BEGIN
    FOR p IN SELECT * FROM listguard.protected_tables q WHERE q.root = _canary_policies.root LOOP
        PERFORM listguard._canary_policy(p.relid, p.account_column, p.list_column);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _canary_policies(regclass) FROM PUBLIC;
