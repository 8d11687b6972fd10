CREATE FUNCTION _local_part_in_style(style text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_in_style' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _local_part_in_style(text) FROM PUBLIC;
