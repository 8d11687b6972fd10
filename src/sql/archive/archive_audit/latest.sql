-- Moves the audit log's events older than `before` into a segment file in
-- listguard.audit_archive_directory (on the server), checked as they are
-- written, and out of the table, in one transaction that records the
-- segment in audit_archives and appends an audit_archived event. Returns
-- the segment's name, its events and how many of each kind; no row when
-- nothing is that old.
CREATE FUNCTION archive_audit(before timestamptz)
    RETURNS TABLE (segment text, first_id bigint, last_id bigint, events bigint, kinds jsonb)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
