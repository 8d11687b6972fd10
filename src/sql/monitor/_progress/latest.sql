CREATE FUNCTION _progress(OUT pid integer, OUT command text, OUT "table" text, OUT phase text,
                          OUT blocks_done bigint, OUT blocks_total bigint, OUT "rows" bigint,
                          OUT started timestamptz, OUT updated timestamptz) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _progress() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _progress() TO listguard_monitor, pg_monitor, listguard_admin;
