-- The range of accounts whose rows the current role may read (write =>
-- false) or write (true), as the row policies' index condition reads it
-- when a scan starts: the lowest account. Public: the index condition runs
-- as whoever queries, and it tells a role nothing explain_access() of
-- itself does not.
CREATE FUNCTION _first_account(write boolean) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_first_account' LANGUAGE C STABLE STRICT PARALLEL SAFE;
