CREATE FUNCTION _audit_for(address text) RETURNS SETOF audit_log
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM listguard.audit_log
    WHERE email_digests IS NOT NULL AND email_digests @> ARRAY[listguard._email_digest(address)]
    ORDER BY id
$$;
REVOKE ALL ON FUNCTION _audit_for(text) FROM PUBLIC;
