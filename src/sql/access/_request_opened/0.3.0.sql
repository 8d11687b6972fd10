-- A new request (of either kind): recorded and announced.
CREATE FUNCTION _request_opened(request_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r listguard.requests;
BEGIN
    SELECT * INTO r FROM listguard.requests WHERE id = request_id;
    PERFORM listguard._record_request_event('request', r.id, r.account, r.list,
        jsonb_build_object('kind', r.kind, 'requester', r.requester::text, 'grantee', r.grantee::text,
                           'for_principal', (SELECT u.name FROM listguard.application_users u WHERE u.id = r.principal),
                           'reveal', r.reveal, 'can_write', r.can_write, 'duration', r.duration::text,
                           'expires_at', r.expires_at));
    PERFORM listguard._notify_request(r.id, 'new');
END
$$;
REVOKE ALL ON FUNCTION _request_opened(bigint) FROM PUBLIC;
