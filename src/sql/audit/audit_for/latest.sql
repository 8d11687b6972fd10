-- What the audit trail holds about one address (by its keyed digest), or
-- about what one principal did (events name the principal in force in
-- their detail), or both.
CREATE FUNCTION audit_for(address text DEFAULT NULL, principal text DEFAULT NULL) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
