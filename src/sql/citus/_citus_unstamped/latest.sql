-- _unstamped() for a Citus table's UPDATE (see _citus_stamped()).
CREATE FUNCTION _citus_unstamped(email) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_unstamped' LANGUAGE C IMMUTABLE STRICT;
REVOKE ALL ON FUNCTION _citus_unstamped(email) FROM PUBLIC;
