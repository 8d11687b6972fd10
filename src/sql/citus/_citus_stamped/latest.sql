-- _stamped() for a Citus table's UPDATE (_citus_stamp()): Citus sends an
-- UPDATE to the shards, where it runs on each placement over the connection
-- that holds the table's locks, only if the functions it calls with the
-- row's columns are immutable. The same C function: its result depends on
-- its arguments (and the keyring, which no plan outlives unchanged).
CREATE FUNCTION _citus_stamped(email, bigint, bigint) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_stamped' LANGUAGE C IMMUTABLE STRICT;
REVOKE ALL ON FUNCTION _citus_stamped(email, bigint, bigint) FROM PUBLIC;
