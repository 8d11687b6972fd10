-- Who could have leaked a file of addresses, and who likely did
-- (src/pg/canary/trace_leak.cpp, core/canary/attribution.h): the roles that
-- could have seen a canary of the file, each with the canaries of the file it
-- could see, those it could see, those it read in clear (null: the trail
-- cannot tell), the share of the file's known addresses it read in clear
-- (null: cannot tell), and the odds (log10) that the file is better explained
-- with it as a source than without; likely when they pass 5.
CREATE FUNCTION _trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_visible integer, canaries_revealed integer,
                   addresses_revealed real, odds real, likely boolean)
    AS 'MODULE_PATHNAME', 'lg_trace_leak' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _trace_leak(text[]) FROM PUBLIC;
