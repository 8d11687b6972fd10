-- Tells listeners (a chat bot, a pager) that a request changed: ids only.
CREATE FUNCTION _notify_request(request_id bigint, event text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_notify('listguard_requests', json_build_object('request', request_id, 'event', event)::text)
$$;
REVOKE ALL ON FUNCTION _notify_request(bigint, text) FROM PUBLIC;
