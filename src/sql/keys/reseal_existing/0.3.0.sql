-- Re-seals every stored value under the current seal key, table by table,
-- in committed batches of `batch_blocks` blocks; listguard.progress shows
-- where it stands (and a NOTICE every 10 s).
-- Interrupted, it can simply be called again: values already under the
-- current key are skipped. A procedure, so no SET search_path: every name
-- is qualified.
CREATE PROCEDURE reseal_existing(batch_blocks integer DEFAULT 1024)
LANGUAGE plpgsql AS $$
DECLARE
    target record;
    problem text;
BEGIN
    IF batch_blocks IS NULL OR batch_blocks OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'batch_blocks must be at least 1',
            DETAIL = 'It is the number of table blocks re-sealed per committed batch.';
    END IF;
    FOR target IN SELECT p.relid, p.blocks FROM listguard.reseal_plan() p LOOP
        FOR from_block IN 0..(target.blocks OPERATOR(pg_catalog.-) 1) BY batch_blocks LOOP
            -- A table whose own code fails the rewrite (a trigger of its
            -- owner's, say) is left for later; the others go on.
            BEGIN
                PERFORM listguard.reseal_batch(target.relid, from_block, from_block OPERATOR(pg_catalog.+) batch_blocks);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
                RAISE WARNING 'listguard: could not re-seal %: %', target.relid, problem
                    USING HINT = 'Fix it and call listguard.reseal_existing() again; listguard.key_usage() shows what is left.';
                EXIT;
            END;
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
