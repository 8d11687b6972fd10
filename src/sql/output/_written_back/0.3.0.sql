-- What a write-back becomes at planning (pg/output/write_back.h): an
-- UPDATE's new value for an email column that may be a mask or a
-- pseudonym the client wrote back (a parameter, a literal, text cast to
-- the type) is listguard._written_back(the column, the value, the table,
-- the column's number): the value, unless it is the mask or pseudonym the
-- role is shown of the value it replaces; then that value, unchanged.
-- Public: every role's UPDATE calls them, and they give nothing a role
-- could not read (they compare with what the role is shown, and only if it
-- may read the column).
CREATE FUNCTION _written_back(old email, written email, tbl regclass, col int2) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_written_back' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION _written_back(old email, written text, tbl regclass, col int2) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_text_written_back' LANGUAGE C STABLE PARALLEL RESTRICTED;
