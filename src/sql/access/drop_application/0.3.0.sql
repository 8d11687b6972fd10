CREATE FUNCTION drop_application(role regrole, key_id text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
