-- Runs a command on every other node of a Citus cluster as the current user
-- (a superuser: listguard's elevated code, as the extension's owner), in
-- this transaction: committed on them when it commits here.
CREATE FUNCTION _run_on_other_nodes(command text) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_run_on_other_nodes' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _run_on_other_nodes(text) FROM PUBLIC;
