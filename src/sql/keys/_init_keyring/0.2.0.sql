-- The keyring: made here if the cluster never had one (never because a key
-- file went missing), and this database registered for key retirement.
CREATE FUNCTION _init_keyring() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_init_keyring' LANGUAGE C VOLATILE;
SELECT _init_keyring();
REVOKE ALL ON FUNCTION _init_keyring() FROM PUBLIC;
