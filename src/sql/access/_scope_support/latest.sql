-- The planner support of can_read() and can_write(): the account argument
-- becomes an index condition (account >= _first_account(...) AND account <=
-- _last_account(...)) in front of the function itself, which still decides
-- every row; and the estimate of the rows that pass uses that range. Only
-- the planner calls it.
CREATE FUNCTION _scope_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'lg_scope_support' LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION _scope_support(internal) FROM PUBLIC;
