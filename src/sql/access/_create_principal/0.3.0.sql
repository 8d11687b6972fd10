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
