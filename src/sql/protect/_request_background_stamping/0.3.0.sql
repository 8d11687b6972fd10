-- protect() queued tables in stamp_queue: the maintenance worker stamps them
-- once the transaction commits (and after a restart, until they are done).
CREATE FUNCTION _request_background_stamping() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_request_background_stamping' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _request_background_stamping() FROM PUBLIC;
