CREATE FUNCTION _revoke_access(grant_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM listguard.grants WHERE id = grant_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('grant %s does not exist', grant_id),
            HINT = 'listguard.explain_access(role) lists the grants of a role.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _revoke_access(bigint) FROM PUBLIC;
