-- audit_archives and canary_reveal_history are written by archive_audit()
-- only; a row a superuser inserts is a restore's (an archive record is
-- marked restored); every other change by a superuser is recorded, other
-- roles are refused.
CREATE FUNCTION _archive_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_archives_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION _archive_guard() FROM PUBLIC;
