-- A spam trap hit: mail arrived at an address. When it is a canary: an
-- event (and a NOTIFY on listguard_canary, ids only), and one row for each
-- role that could have seen it (_canary_seers()), with whether it read the
-- canary in clear before the hit and on which days first and last (the
-- reveal summaries, and the sealed records of its clear_reveal events). The
-- verdict: a leak when one of them read it before; probable guessing when
-- none did; unknown when the trail cannot tell (a gap, reveals on a standby,
-- summaries kept only since later).
CREATE FUNCTION _report_canary_hit(address text, seen_at timestamptz, source text)
    RETURNS TABLE (role regrole, sees text, revealed boolean, first_revealed date, last_revealed date)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
    c listguard.canaries;
    h record;
    record_first timestamptz;
    seen_day date := (seen_at AT TIME ZONE 'UTC')::date;
    complete boolean := true;
    could_see text[] := '{}';
    read_by text[] := '{}';
    verdict text;
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'report_canary_hit() needs the address the mail was sent to.';
    END IF;
    SELECT * INTO c FROM listguard.canaries k
    WHERE k.role IS NOT NULL AND k.loose_digest = digest
    ORDER BY k.planted_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT r.first_revealed INTO record_first FROM listguard._canary_reveals(c) r;
    FOR h IN
        WITH seers AS (SELECT s.role, s.sees, row_number() OVER () AS n FROM listguard._canary_seers(c) s),
             read AS (SELECT b.role, b.first_day, b.last_day
                      FROM listguard._revealed_by(c.loose_digest, ARRAY(SELECT s.role FROM seers s),
                                                  (c.planted_at AT TIME ZONE 'UTC')::date) b)
        SELECT s.role, s.sees, b.first_day, b.last_day, listguard._reveals_complete(s.role, c.planted_at) AS complete
        FROM seers s LEFT JOIN read b ON b.role = s.role ORDER BY s.n
    LOOP
        role := h.role;
        sees := h.sees;
        first_revealed := h.first_day;
        last_revealed := h.last_day;
        revealed := h.first_day IS NOT NULL AND (seen_at IS NULL OR h.first_day <= seen_day);
        -- The sealed records of its own clear_reveal events, to the moment.
        IF h.sees = 'planted for' AND record_first IS NOT NULL THEN
            revealed := revealed OR seen_at IS NULL OR record_first <= seen_at;
            first_revealed := least(first_revealed, (record_first AT TIME ZONE 'UTC')::date);
            last_revealed := greatest(last_revealed, (record_first AT TIME ZONE 'UTC')::date);
        END IF;
        could_see := could_see || h.role::text;
        IF revealed THEN
            read_by := read_by || h.role::text;
        END IF;
        complete := complete AND h.complete;
        RETURN NEXT;
    END LOOP;
    verdict := CASE WHEN cardinality(read_by) > 0 THEN 'leak'
                    WHEN NOT complete THEN 'unknown: the trail cannot tell what every role that could see it read'
                    ELSE 'probable guessing' END;
    PERFORM listguard._record_canary_event('hit', c.id, c.account, c.list,
        jsonb_build_object('role', c.role::text, 'seen_at', seen_at, 'source', source, 'could_see', could_see,
                           'revealed_by', read_by, 'revealed', cardinality(read_by) > 0, 'verdict', verdict),
        c.address);
    PERFORM pg_notify('listguard_canary', json_build_object('canary', c.id, 'event', 'hit')::text);
END
$$;
REVOKE ALL ON FUNCTION _report_canary_hit(text, timestamptz, text) FROM PUBLIC;
