-- Checks archived segments offline: one segment (its name in the archive
-- directory, or, for superusers, any path), or every segment of a
-- directory (the archive directory by default) and how they chain, and
-- this database's record of what it archived against what is there. A row
-- per segment: a segment changed, cut, renamed, moved, or missing between
-- or after others is not ok, with the first event concerned.
CREATE FUNCTION verify_audit_archive(path text DEFAULT NULL)
    RETURNS TABLE (segment text, ok boolean, first_id bigint, last_id bigint, checked bigint, first_broken bigint,
                   problem text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
