CREATE FUNCTION _cancel(request_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r listguard.requests;
BEGIN
    SELECT * INTO r FROM listguard.requests q WHERE q.id = _cancel.request_id FOR UPDATE;
    IF NOT FOUND OR r.requester <> listguard.calling_role() THEN
        PERFORM listguard._refuse_request(request_id, 'cancel', 'insufficient_privilege',
            format('role %s may not cancel access request %s', listguard.calling_role(), request_id),
            'Only the role that made a request may cancel it.');
    END IF;
    IF r.state <> 'pending' OR r.expires_at <= now() THEN
        PERFORM listguard._refuse_request(r.id, 'cancel', 'object_not_in_prerequisite_state',
            format('access request %s is %s', r.id, CASE WHEN r.state = 'pending' THEN 'expired' ELSE r.state END),
            'Only a pending request can be cancelled.');
    END IF;
    UPDATE listguard.requests q SET state = 'cancelled', decided_by = listguard.calling_role(), decided_at = now()
    WHERE q.id = r.id;
    PERFORM listguard._record_request_event('cancel', r.id, r.account, r.list, NULL);
    -- Expiry is recorded by calls that succeed: a refused one rolls back.
    PERFORM listguard._expire_requests();
END
$$;
REVOKE ALL ON FUNCTION _cancel(bigint) FROM PUBLIC;
