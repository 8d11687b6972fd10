CREATE FUNCTION cancel(request_id bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'request_gate' LANGUAGE C VOLATILE;
