CREATE FUNCTION _calling_outer_role() RETURNS regrole
    AS 'MODULE_PATHNAME', 'lg_calling_outer_role' LANGUAGE C STABLE;
REVOKE ALL ON FUNCTION _calling_outer_role() FROM PUBLIC;
