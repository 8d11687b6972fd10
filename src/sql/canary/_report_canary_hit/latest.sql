-- A spam trap hit: mail arrived at an address. An event (and a NOTIFY on
-- listguard_canary, ids only) when it is a canary; marked a probable guess
-- when its role never read it in clear.
CREATE FUNCTION _report_canary_hit(address text, seen_at timestamptz, source text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
    c listguard.canaries;
    revealed timestamptz;
    gap boolean;
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'report_canary_hit() needs the address the mail was sent to.';
    END IF;
    SELECT * INTO c FROM listguard.canaries k
    WHERE k.role IS NOT NULL AND listguard._loose_digest_of(k.address) = digest
    ORDER BY k.planted_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT r.first_revealed INTO revealed FROM listguard._canary_reveals(c) r;
    -- Events the audit log could not take since the planting (a flood, say)
    -- may have been its reveal: then nobody can say it was a guess.
    SELECT count(*) > 0 INTO gap FROM listguard.audit_log a WHERE a.kind = 'audit_gap' AND a.logged_at >= c.planted_at;
    -- ... archived ones included.
    gap := gap OR EXISTS (SELECT 1 FROM listguard.audit_archives r WHERE r.last_gap_at >= c.planted_at);
    PERFORM listguard._record_canary_event('hit', c.id, c.account, c.list,
        jsonb_build_object('role', c.role::text, 'seen_at', seen_at, 'source', source,
                           'revealed', revealed IS NOT NULL,
                           'verdict', CASE WHEN revealed IS NOT NULL AND (seen_at IS NULL OR seen_at >= revealed)
                                           THEN 'leak'
                                           WHEN gap THEN 'unknown: the audit trail has a gap since planting'
                                           ELSE 'probable guessing' END),
        c.address);
    PERFORM pg_notify('listguard_canary', json_build_object('canary', c.id, 'event', 'hit')::text);
END
$$;
REVOKE ALL ON FUNCTION _report_canary_hit(text, timestamptz, text) FROM PUBLIC;
