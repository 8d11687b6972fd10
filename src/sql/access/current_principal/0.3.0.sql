-- Who the session acts for (null: nobody); for row policies of one's own
-- as well. Public: it says what the session itself asserted.
CREATE FUNCTION current_principal() RETURNS text
    AS 'MODULE_PATHNAME', 'lg_current_principal' LANGUAGE C STABLE PARALLEL SAFE;
