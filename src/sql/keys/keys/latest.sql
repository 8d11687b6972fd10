CREATE FUNCTION keys() RETURNS TABLE (key_id text, kind text, current boolean, retired_here boolean)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
