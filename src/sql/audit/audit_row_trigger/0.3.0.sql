CREATE FUNCTION audit_row_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_row_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_row_trigger() FROM PUBLIC;
-- Citus creates a protected table's shards, with this trigger, as the
-- table's owner (docs/citus.md).
GRANT EXECUTE ON FUNCTION audit_row_trigger() TO listguard_owner;
