-- Protected tables whose rows from before protect() are stamped in the
-- background: protect() stamps what it can while it holds the table's lock
-- (listguard.protect_stamp_budget) and queues the rest here; the database's
-- maintenance worker stamps it in committed batches, moving next_block on
-- in each batch's own transaction, so that it resumes after a crash or a
-- restart. relfilenode tells a table rewritten since (its rows moved): it
-- is then gone through again. Written by listguard only; dumped, so that a
-- restore goes on stamping.
CREATE TABLE stamp_queue (
    relid       regclass PRIMARY KEY,
    next_block  bigint NOT NULL,
    end_block   bigint NOT NULL,
    relfilenode oid NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    queued_by   regrole NOT NULL
);
REVOKE ALL ON stamp_queue FROM PUBLIC;
GRANT SELECT ON stamp_queue TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.stamp_queue', '');
CREATE TRIGGER stamp_queue_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON stamp_queue
    FOR EACH STATEMENT EXECUTE FUNCTION _stamp_queue_guard();
