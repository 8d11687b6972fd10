CREATE FUNCTION deny(request_id bigint, comment text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'request_gate' LANGUAGE C VOLATILE;
