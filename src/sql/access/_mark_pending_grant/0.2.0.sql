CREATE FUNCTION _mark_pending_grant() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_mark_pending_grant' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _mark_pending_grant() FROM PUBLIC;
