CREATE FUNCTION _local_part_style(email) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_style' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _local_part_style(email) FROM PUBLIC;
