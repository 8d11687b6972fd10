-- A local part made in a template from a row's names.
CREATE FUNCTION _local_part_from_template(template text, names text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_from_template' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _local_part_from_template(text, text[]) FROM PUBLIC;
