CREATE FUNCTION _add_canary_addresses(addresses text[]) RETURNS integer
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
