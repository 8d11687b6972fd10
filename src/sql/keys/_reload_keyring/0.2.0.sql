CREATE FUNCTION _reload_keyring() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_reload_keyring' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _reload_keyring() FROM PUBLIC;
