CREATE FUNCTION add_application(role regrole, public_key text, require_principal boolean DEFAULT NULL,
                                session_principals boolean DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
