-- On a Citus worker: the coordinator's catalog replaces this node's. The
-- coordinator's listguard runs it through Citus as its extension's owner;
-- the function itself refuses any caller but a superuser, and a catalog
-- made under another keyring.
CREATE FUNCTION _citus_apply_catalog(snapshot text) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_citus_apply_catalog' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _citus_apply_catalog(text) FROM PUBLIC;
