-- A Citus worker's link (pg/replica/link.h) takes the coordinator's catalog
-- (grants, protections of Citus tables, canaries; canary addresses in
-- transit) through this: null when the md5 it knows is the catalog's.
CREATE FUNCTION _citus_catalog(known text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_citus_catalog' LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _citus_catalog(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _citus_catalog(text) TO listguard_standby;
