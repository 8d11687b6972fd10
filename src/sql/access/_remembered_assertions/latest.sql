-- Unexpired assertions the server remembers (listguard.max_assertions is
-- the most it may).
CREATE FUNCTION _remembered_assertions() RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_remembered_assertions' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _remembered_assertions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _remembered_assertions() TO listguard_admin;
