CREATE FUNCTION _keys() RETURNS TABLE (key_id text, kind text, current boolean, retired_here boolean)
    AS 'MODULE_PATHNAME', 'lg_keys' LANGUAGE C STABLE;
REVOKE ALL ON FUNCTION _keys() FROM PUBLIC;
