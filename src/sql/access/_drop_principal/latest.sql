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
