-- Whether a clear_reveal event's sealed record notes a canary: by its slot
-- when the event is in the canary's own account, else by its id.
CREATE FUNCTION _canary_in_record(record text, canary_id bigint, slot integer, own_account boolean) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_canary_in_record' LANGUAGE C STABLE;
REVOKE ALL ON FUNCTION _canary_in_record(text, bigint, integer, boolean) FROM PUBLIC;
