-- Pending requests past their time to live become expired (recorded and
-- announced) whenever requests are used.
CREATE FUNCTION _expire_requests() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
BEGIN
    FOR r IN UPDATE listguard.requests SET state = 'expired', decided_at = now()
             WHERE state = 'pending' AND expires_at <= now() RETURNING id, account, list LOOP
        PERFORM listguard._record_request_event('expire', r.id, r.account, r.list, NULL);
        PERFORM listguard._notify_request(r.id, 'expired');
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _expire_requests() FROM PUBLIC;
