CREATE FUNCTION _trace(address text)
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
