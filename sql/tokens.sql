-- Sealed tokens: what backups carry. The input function takes them back
-- after authenticating them; a changed character is an error, never garbage.
CREATE TABLE tokens (id int, email listguard.email);
INSERT INTO tokens VALUES (1, 'Round.Trip@example.com'), (2, '"quoted person"@example.org');

SET listguard.sealed_output = on;
CREATE TEMP TABLE exported AS SELECT id, email::text AS token FROM tokens;
RESET listguard.sealed_output;

-- Read back: equal to the original, same display.
SELECT t.id, e.token::listguard.email = t.email AS equal, e.token::listguard.email AS shown
FROM tokens t JOIN exported e USING (id) ORDER BY t.id;

-- Sealing is deterministic: sealing the read-back value gives the same token.
SET listguard.sealed_output = on;
SELECT bool_and(e.token::listguard.email::text = e.token) AS stable FROM exported e;
RESET listguard.sealed_output;

-- Tampering: change one character anywhere, drop one, or add one.
SELECT token AS tok FROM exported WHERE id = 1 \gset
-- Every change is refused: as not valid (22P02), or, where it changed only
-- the key id, as sealed under a key the keyring does not hold (F0000). How
-- many positions fall in the key id depends on the key's own bits.
SELECT count(*) AS positions,
       count(*) FILTER (WHERE r LIKE '22P02 sealed token is not valid%'
                           OR r LIKE 'F0000 listguard.email value was sealed under a key that is not in the keyring%') AS refused,
       count(*) FILTER (WHERE r LIKE 'F0000 %') BETWEEN 1 AND 6 AS some_as_unknown_key
FROM (SELECT lgtest.try(format('SELECT %L::listguard.email', bad)) AS r
      FROM (SELECT overlay(:'tok' placing CASE WHEN substr(:'tok', p, 1) = 'A' THEN 'B' ELSE 'A' END from p for 1) AS bad
            FROM generate_series(5, length(:'tok')) p) s) t;
-- (Which check catches a dropped or added character depends on the token.)
SELECT lgtest.try(format('SELECT %L::listguard.email', left(:'tok', -1))) LIKE '22P02 sealed token is not valid | %'
       AS shortened_refused;
SELECT lgtest.try(format('SELECT %L::listguard.email', :'tok' || 'A')) LIKE '22P02 sealed token is not valid | %'
       AS lengthened_refused;
SELECT lgtest.try($$SELECT 'lg1:'::listguard.email$$);
SELECT lgtest.try($$SELECT 'lg1:not*base64'::listguard.email$$);
SELECT lgtest.try($$SELECT 'lg1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'::listguard.email$$);

DROP TABLE tokens;
