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
