CREATE FUNCTION _wait_for_older_transactions() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_wait_for_older_transactions' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _wait_for_older_transactions() FROM PUBLIC;
