-- The slot of the next canary planted in an account: the lowest number no
-- canary of the account has. The sealed record of every clear_reveal event
-- has one bit per slot of the fullest account (core/canary/reveal_record.h),
-- up to 6144 in an account, removed canaries included (their old reveals are
-- still traced by their slots). Planting waits for another planting in the
-- same account to end.
CREATE FUNCTION _next_canary_slot(account bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    slot integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('listguard canary slots'), hashint8(account));
    SELECT coalesce(min(s.n), 0) INTO slot
    FROM (SELECT 0 AS n WHERE NOT EXISTS (SELECT 1 FROM listguard.canaries c
                                          WHERE c.account = _next_canary_slot.account AND c.slot = 0)
          UNION ALL
          SELECT c.slot + 1 FROM listguard.canaries c
          WHERE c.account = _next_canary_slot.account AND c.slot IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM listguard.canaries d
                            WHERE d.account = _next_canary_slot.account AND d.slot = c.slot + 1)) s;
    IF slot >= 6144 THEN
        RAISE EXCEPTION USING ERRCODE = 'program_limit_exceeded',
            MESSAGE = format('account %s has 6144 canaries, the most one account can hold', account),
            DETAIL = 'Each canary of an account, removed ones included, has a slot in the sealed records of '
                     'clear_reveal events.';
    END IF;
    RETURN slot;
END
$$;
REVOKE ALL ON FUNCTION _next_canary_slot(bigint) FROM PUBLIC;
