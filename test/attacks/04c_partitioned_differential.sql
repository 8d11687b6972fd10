-- Class 4 on a partitioned protected table (04b_partitioned_setup.sql): a
-- role's canaries (list 31) against ordinary rows of that list, including
-- updates that move rows to another partition and upserts.
CREATE TEMP TABLE outcomes (stmt int, canary boolean, id bigint, outcome text);
DO $$
DECLARE
    canary_ids bigint[] := ARRAY(SELECT id FROM psubs WHERE list_id = 31 ORDER BY id DESC LIMIT 3);
    plain_ids bigint[] := ARRAY(SELECT id FROM psubs WHERE list_id = 31 ORDER BY id DESC OFFSET 3 LIMIT 3);
    stmts text[] := ARRAY[
      'UPDATE psubs SET email = email WHERE id = $1',
      'UPDATE psubs SET email = email::text WHERE id = $1',
      'UPDATE psubs SET list_id = 32 WHERE id = $1',
      'UPDATE psubs SET list_id = 32, email = upper(email::text) WHERE id = $1',
      'UPDATE psubs_31 SET email = lower(email::text) WHERE id = $1',
      'UPDATE psubs_31 SET list_id = 32 WHERE id = $1',
      'DELETE FROM psubs_31 WHERE id = $1',
      'INSERT INTO psubs (account_id, list_id, email) SELECT 3, 32, email::text FROM psubs WHERE id = $1',
      'INSERT INTO psubs (account_id, list_id, email) SELECT 3, 31, email::text FROM psubs WHERE id = $1 ON CONFLICT DO NOTHING',
      'INSERT INTO psubs (account_id, list_id, email) SELECT 3, 31, email::text FROM psubs WHERE id = $1 ON CONFLICT (account_id, list_id, email) DO UPDATE SET list_id = 32',
      'INSERT INTO psubs (account_id, list_id, email) SELECT 3, 31, email::text FROM psubs WHERE id = $1 ON CONFLICT (account_id, list_id, email) DO UPDATE SET email = excluded.email',
      'INSERT INTO psubs_31 (account_id, list_id, email) SELECT 3, 31, upper(email::text) FROM psubs WHERE id = $1 ON CONFLICT (account_id, list_id, email) DO UPDATE SET email = excluded.email',
      'MERGE INTO psubs t USING (SELECT $1::bigint AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET list_id = 32',
      'MERGE INTO psubs t USING (SELECT id, email FROM psubs WHERE id = $1) s ON false WHEN NOT MATCHED THEN INSERT (account_id, list_id, email) VALUES (3, 32, s.email::text)',
      'WITH d AS (DELETE FROM psubs WHERE id = $1 RETURNING email) INSERT INTO psubs (account_id, list_id, email) SELECT 3, 31, email::text FROM d'
    ];
    i int; rid bigint; n bigint; st text; msg text; is_canary boolean; acc text[] := '{}';
BEGIN
  FOR i IN 1 .. cardinality(stmts) LOOP
    FOREACH rid IN ARRAY canary_ids || plain_ids LOOP
      is_canary := rid = ANY (canary_ids);
      BEGIN
        BEGIN
          EXECUTE stmts[i] USING rid;
          GET DIAGNOSTICS n = ROW_COUNT;
          st := 'ok rows=' || n;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
          st := SQLSTATE || ' ' || regexp_replace(msg, '\d+', 'N', 'g');
        END;
        acc := acc || format('%s|%s|%s|%s', i, is_canary, rid, st);
        RAISE EXCEPTION 'undo' USING ERRCODE = 'P0099';
      EXCEPTION WHEN SQLSTATE 'P0099' THEN NULL;
      END;
    END LOOP;
  END LOOP;
  INSERT INTO outcomes SELECT split_part(x,'|',1)::int, split_part(x,'|',2)::boolean, split_part(x,'|',3)::bigint, split_part(x,'|',4) FROM unnest(acc) x;
END $$;
SELECT stmt, canary, array_agg(DISTINCT outcome) AS differing FROM outcomes
WHERE stmt IN (SELECT stmt FROM outcomes GROUP BY stmt HAVING count(DISTINCT outcome) > 1)
GROUP BY stmt, canary ORDER BY stmt, canary;
SELECT stmt, array_agg(DISTINCT outcome) AS outcomes FROM outcomes GROUP BY stmt ORDER BY stmt;
