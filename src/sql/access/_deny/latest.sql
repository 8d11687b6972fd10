CREATE FUNCTION _deny(request_id bigint, comment text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r listguard.requests;
BEGIN
    SELECT * INTO r FROM listguard.requests q WHERE q.id = _deny.request_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM listguard._refuse_request(request_id, 'deny', 'undefined_object',
            format('access request %s does not exist', request_id), NULL);
    END IF;
    PERFORM listguard._check_decider(r, 'deny');
    UPDATE listguard.requests q SET state = 'denied', decided_by = listguard.calling_role(), decided_at = now(),
                                    comment = _deny.comment
    WHERE q.id = r.id;
    PERFORM listguard._record_request_event('deny', r.id, r.account, r.list,
        jsonb_build_object('approver', listguard.calling_role()::text));
    PERFORM listguard._notify_request(r.id, 'denied');
    -- Expiry is recorded by calls that succeed: a refused one rolls back.
    PERFORM listguard._expire_requests();
END
$$;
REVOKE ALL ON FUNCTION _deny(bigint, text) FROM PUBLIC;
