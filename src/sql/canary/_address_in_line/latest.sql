CREATE FUNCTION _address_in_line(line text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_address_in_line' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _address_in_line(text) FROM PUBLIC;
