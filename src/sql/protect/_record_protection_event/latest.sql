-- A protection_changed event of a table, for what protect()'s SQL changes
-- besides the table itself (sequences it takes over).
CREATE FUNCTION _record_protection_event(tbl regclass, detail jsonb) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_record_protection_event' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _record_protection_event(regclass, jsonb) FROM PUBLIC;
