-- The canaries a clear_reveal event's sealed record holds (what
-- archive_audit() keeps of archived events).
CREATE FUNCTION _canary_reveal_ids(record text) RETURNS bigint[]
    AS 'MODULE_PATHNAME', 'lg_canary_reveal_ids' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _canary_reveal_ids(text) FROM PUBLIC;
