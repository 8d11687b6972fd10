-- A refusal: recorded, then raised.
CREATE FUNCTION _refuse_request(request_id bigint, action text, sqlstate text, message text, detail text,
                                hint text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM listguard._record_request_event(action || ' refused', request_id, NULL, NULL,
        jsonb_build_object('role', listguard.calling_role()::text, 'session_user', listguard._calling_session_role()::text,
                           'reason', message));
    RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = coalesce(detail, ''), HINT = coalesce(hint, '');
END
$$;
REVOKE ALL ON FUNCTION _refuse_request(bigint, text, text, text, text, text) FROM PUBLIC;
