CREATE FUNCTION _record_request_event(action text, request_id bigint, account bigint, list bigint, detail jsonb)
    RETURNS void AS 'MODULE_PATHNAME', 'lg_record_request_event' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _record_request_event(text, bigint, bigint, bigint, jsonb) FROM PUBLIC;
