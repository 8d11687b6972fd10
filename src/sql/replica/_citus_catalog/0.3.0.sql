-- A Citus worker's link (pg/replica/standby_link.h) takes the coordinator's
-- catalog (grants, protections of Citus tables, canaries; canary addresses
-- in transit) through this: null when the generation the worker holds is
-- the catalog's.
CREATE FUNCTION _citus_catalog(held bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_citus_catalog' LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _citus_catalog(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _citus_catalog(bigint) TO listguard_standby;
