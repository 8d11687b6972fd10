-- principal: the person behind role (an application) whose canaries point
-- at the file, if they were a principal's.
CREATE FUNCTION trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_planted integer, likely boolean, principal text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
