CREATE FUNCTION _retire_key_material(key_id text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lg_retire_key_material' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _retire_key_material(text) FROM PUBLIC;
