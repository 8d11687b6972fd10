CREATE FUNCTION _calling_session_role() RETURNS regrole
    AS 'MODULE_PATHNAME', 'lg_calling_session_role' LANGUAGE C STABLE;
REVOKE ALL ON FUNCTION _calling_session_role() FROM PUBLIC;
