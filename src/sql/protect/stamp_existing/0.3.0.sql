-- Stamps the rows a protected table held before protect(..., stamp =>
-- 'later'), in committed batches of `batch_blocks` blocks: each batch locks
-- only the rows it stamps; listguard.progress shows where it stands (and a
-- NOTICE every 10 s). Interrupted, it
-- can simply be called again (stamped rows are skipped). Until a value is
-- stamped it belongs to no account: only roles with every account see it.
-- A procedure, to commit between batches; so no SET search_path either:
-- every name is qualified.
CREATE PROCEDURE stamp_existing(tbl regclass, batch_blocks integer DEFAULT 1024)
LANGUAGE plpgsql AS $$
DECLARE
    target record;
BEGIN
    IF batch_blocks IS NULL OR batch_blocks OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'batch_blocks must be at least 1',
            DETAIL = 'It is the number of table blocks stamped per committed batch.';
    END IF;
    FOR target IN SELECT p.relid, p.blocks FROM listguard.stamp_plan(tbl) p LOOP
        FOR from_block IN 0..(target.blocks OPERATOR(pg_catalog.-) 1) BY batch_blocks LOOP
            PERFORM listguard.stamp_batch(target.relid, from_block, from_block OPERATOR(pg_catalog.+) batch_blocks);
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
