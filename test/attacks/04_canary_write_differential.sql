-- Class 4: a role writes to each of its own canaries and to ordinary rows of
-- the same list, by every write path; any difference in outcome (SQLSTATE,
-- message, rows affected) tells its canaries apart. Run as a role that
-- reads and writes one list in clear and has canaries planted in it
-- (a_other, list 2/21 in setup.sql plus plant_canaries(..., ARRAY['a_other'])).
-- With -v tbl=psubs -v acct=3 -v lst=31 -v other_lst=32 it runs against the
-- partitioned table of 04b_partitioned_setup.sql (moves between partitions).
\set ON_ERROR_STOP 1
CREATE TEMP TABLE outcomes (stmt int, canary boolean, id bigint, outcome text);
DO $$
DECLARE
    canary_ids bigint[] := ARRAY(SELECT id FROM subs WHERE account_id = 2 ORDER BY id DESC LIMIT 3);
    plain_ids bigint[] := ARRAY(SELECT id FROM subs WHERE account_id = 2 ORDER BY id DESC OFFSET 3 LIMIT 3);
    stmts text[] := ARRAY[
      'UPDATE subs SET email = email WHERE id = $1',
      'UPDATE subs SET email = email::text WHERE id = $1',
      'UPDATE subs SET email = upper(email::text) WHERE id = $1',
      'UPDATE subs SET email = lower(email::text) WHERE id = $1',
      'UPDATE subs SET email = ''"'' || split_part(email::text, ''@'', 1) || ''"@'' || split_part(email::text, ''@'', 2) WHERE id = $1',
      'UPDATE subs SET email = split_part(email::text, ''@'', 1) || ''+tag@'' || split_part(email::text, ''@'', 2) WHERE id = $1',
      'UPDATE subs SET email = rpad(split_part(email::text, ''@'', 1), 64 - 0, ''x'') || ''@'' || split_part(email::text, ''@'', 2) WHERE id = $1',
      'UPDATE subs SET list_id = list_id WHERE id = $1',
      'UPDATE subs SET list_id = 22 WHERE id = $1',
      'UPDATE subs SET account_id = 1 WHERE id = $1',
      'DELETE FROM subs WHERE id = $1',
      'SELECT 1 FROM subs WHERE id = $1 FOR UPDATE',
      'INSERT INTO subs (account_id, list_id, email) SELECT 2, 21, email::text FROM subs WHERE id = $1',
      'INSERT INTO subs (account_id, list_id, email) SELECT 2, 21, upper(email::text) FROM subs WHERE id = $1 ON CONFLICT DO NOTHING',
      'INSERT INTO subs (account_id, list_id, email) SELECT 2, 21, email::text FROM subs WHERE id = $1 ON CONFLICT (account_id, email) DO UPDATE SET list_id = excluded.list_id',
      'INSERT INTO subs (account_id, list_id, email) SELECT 2, 21, email::text FROM subs WHERE id = $1 ON CONFLICT (account_id, email) DO UPDATE SET email = excluded.email',
      'INSERT INTO subs (account_id, list_id, email) SELECT 2, 21, email::text FROM subs WHERE id = $1 ON CONFLICT (account_id, email) DO UPDATE SET email = subs.email::text',
      'INSERT INTO subs (id, account_id, list_id, email) SELECT id, 2, 21, ''new@example.net'' FROM subs WHERE id = $1 ON CONFLICT (id) DO UPDATE SET email = excluded.email',
      'MERGE INTO subs t USING (SELECT $1::bigint AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET email = t.email::text',
      'MERGE INTO subs t USING (SELECT $1::bigint AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE',
      'WITH m AS (UPDATE subs SET email = email::text WHERE id = $1 RETURNING *) INSERT INTO subs (account_id, list_id, email) SELECT 2, 21, ''zz'' || m.id || ''@example.net'' FROM m',
      'UPDATE subs SET email = (SELECT s.email FROM subs s WHERE s.id = $1) WHERE id = (SELECT min(id) FROM subs WHERE account_id = 2)',
      'INSERT INTO subs (account_id, list_id, email) SELECT 1, 11, email::text FROM subs WHERE id = $1'
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
-- Statements whose outcome differs between canaries and ordinary rows:
SELECT stmt, canary, array_agg(DISTINCT outcome) AS outcomes FROM outcomes
WHERE stmt IN (SELECT stmt FROM outcomes GROUP BY stmt HAVING count(DISTINCT outcome) > 1)
GROUP BY stmt, canary ORDER BY stmt, canary;
SELECT count(DISTINCT stmt) AS statements_tried FROM outcomes;
