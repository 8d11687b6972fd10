-- An administrator's word that the audit history a restore brought without
-- its head record (a dump of listguard 0.2, say) is accepted as it is:
-- recorded in the chain, after which verify_audit() no longer reports it.
-- Returns the last restored event it covers.
CREATE FUNCTION accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
