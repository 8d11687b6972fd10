CREATE FUNCTION remove_canaries(tbl regclass, account bigint DEFAULT NULL, list bigint DEFAULT NULL,
                                roles regrole[] DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
