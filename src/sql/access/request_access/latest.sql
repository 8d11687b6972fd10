CREATE FUNCTION request_access(account bigint, list bigint DEFAULT NULL, reveal text DEFAULT 'clear',
                               duration interval DEFAULT '1 hour', reason text DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'request_gate' LANGUAGE C VOLATILE;
