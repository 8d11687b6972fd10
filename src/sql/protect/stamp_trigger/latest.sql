CREATE FUNCTION stamp_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION stamp_trigger() FROM PUBLIC;
-- Citus creates a protected table's shards, with this trigger, as the
-- table's owner (docs/citus.md).
GRANT EXECUTE ON FUNCTION stamp_trigger() TO listguard_owner;
