-- The session acts for nobody from here on (a principal of the session
-- too). Public: it can only take rights away.
CREATE FUNCTION end_principal() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_end_principal' LANGUAGE C VOLATILE PARALLEL UNSAFE;
