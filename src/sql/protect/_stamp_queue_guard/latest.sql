CREATE FUNCTION _stamp_queue_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_queue_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION _stamp_queue_guard() FROM PUBLIC;
