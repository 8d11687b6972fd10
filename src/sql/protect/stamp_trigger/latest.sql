CREATE FUNCTION stamp_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_trigger' LANGUAGE C;
REVOKE ALL ON FUNCTION stamp_trigger() FROM PUBLIC;
