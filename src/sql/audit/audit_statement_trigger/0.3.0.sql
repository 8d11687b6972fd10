CREATE FUNCTION audit_statement_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_statement_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_statement_trigger() FROM PUBLIC;
-- Citus creates a protected table's shards, with this trigger, as the
-- table's owner (docs/citus.md).
GRANT EXECUTE ON FUNCTION audit_statement_trigger() TO listguard_owner;
