CREATE FUNCTION _record_canary_event(action text, canary_id bigint, account bigint, list bigint, detail jsonb,
                                     address email) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_record_canary_event' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _record_canary_event(text, bigint, bigint, bigint, jsonb, email) FROM PUBLIC;
