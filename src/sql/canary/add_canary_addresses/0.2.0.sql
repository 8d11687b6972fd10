CREATE FUNCTION add_canary_addresses(addresses text[]) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
