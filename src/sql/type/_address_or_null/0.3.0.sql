-- What a lookup that compares an address's text becomes at planning
-- (email::text = x, upper(email::text) = upper(x): pg/output/lookups.cpp):
-- x as a value of the type, or null if it is no address (then nothing
-- matches, as nothing matched the text). Public: it is the type's input,
-- without the error.
CREATE FUNCTION _address_or_null(address text) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_address_or_null' LANGUAGE C STABLE STRICT PARALLEL SAFE;
