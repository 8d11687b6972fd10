CREATE FUNCTION add_key(make_current boolean DEFAULT true) RETURNS text
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
