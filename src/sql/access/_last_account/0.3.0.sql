-- The highest account of the range (see _first_account). Public, as it.
CREATE FUNCTION _last_account(write boolean) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_last_account' LANGUAGE C STABLE STRICT PARALLEL SAFE;
