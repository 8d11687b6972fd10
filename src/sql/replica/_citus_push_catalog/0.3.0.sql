-- On the coordinator of a Citus cluster: sends the catalog to every other
-- node now, in this transaction (else it goes when the transaction commits).
CREATE FUNCTION _citus_push_catalog() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_citus_push_catalog' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _citus_push_catalog() FROM PUBLIC;
