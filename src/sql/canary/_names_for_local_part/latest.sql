-- The names a row would have if a stored value's local part (a canary
-- mailbox's) was made from them in the template (an initial alone takes a
-- name of `known`, the list's, that starts with it); null if it was not.
CREATE FUNCTION _names_for_local_part(email, template text, names text[], known text[]) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lg_names_for_local_part' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _names_for_local_part(email, text, text[], text[]) FROM PUBLIC;
