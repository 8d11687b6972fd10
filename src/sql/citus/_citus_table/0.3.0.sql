-- Whether a table is a Citus table (distributed, reference or Citus-managed
-- local): protect() stamps its rows on the nodes that hold its shards and
-- lets Citus create its triggers there. False without Citus.
CREATE FUNCTION _citus_table(tbl regclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_citus_table' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _citus_table(regclass) FROM PUBLIC;
