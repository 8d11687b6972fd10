-- Volatile: what it returns depends on the role, its grants, its quota and
-- the clock, and a clear value is charged when it is made. So the planner
-- makes it after a sort or a limit, for the rows that are returned only.
CREATE FUNCTION text(email) RETURNS text
    AS 'MODULE_PATHNAME', 'email_to_text' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
