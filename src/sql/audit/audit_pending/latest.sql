-- Events not yet in the audit log: queued, or being written.
CREATE FUNCTION audit_pending() RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_audit_pending' LANGUAGE C VOLATILE;
