-- protect() of a Citus table stamps the rows already there where they are:
-- in the shards on every node (an UPDATE through Citus cannot call the
-- stamping function with the row's columns). The other nodes first get the
-- catalog that says the table is protected, in this transaction.
CREATE FUNCTION _citus_stamp(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM listguard._citus_push_catalog();
    PERFORM listguard._run_on_other_nodes(format('SELECT listguard._stamp_local_shards(%L)', tbl::text));
    PERFORM listguard._stamp_local_shards(tbl);
END
$$;
REVOKE ALL ON FUNCTION _citus_stamp(regclass) FROM PUBLIC;
