-- Which of the roles read the address with this loose digest in clear from
-- day `since` on, and on which days first and last (the reveal summaries).
CREATE FUNCTION _revealed_by(loose_digest bytea, roles regrole[], since date)
    RETURNS TABLE (role regrole, first_day date, last_day date)
    AS 'MODULE_PATHNAME', 'lg_revealed_by' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _revealed_by(bytea, regrole[], date) FROM PUBLIC;
