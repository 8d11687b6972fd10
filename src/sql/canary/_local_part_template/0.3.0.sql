-- How a stored value's local part is made from its row's names
-- (core/canary/local_part.h): {0}.{1}99, {0i}{1}, w99, ...; never the address.
CREATE FUNCTION _local_part_template(email, names text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_template' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _local_part_template(email, text[]) FROM PUBLIC;
