-- Equality works across spellings; order and ranges work but follow the
-- keyed digest, not the address.
SELECT 'Jane.Doe@Example.COM'::listguard.email = 'jane.doe@example.com' AS case_insensitive,
       '"jane.doe"@example.com'::listguard.email = 'jane.doe@example.com' AS needless_quotes,
       'jane@BÜCHER.example'::listguard.email = 'jane@xn--bcher-kva.example' AS idn_forms,
       'jane@example.com'::listguard.email = 'john@example.com' AS different,
       'jane@example.com'::listguard.email <> 'john@example.com' AS not_equal;

CREATE TABLE subscribers (id serial PRIMARY KEY, email listguard.email NOT NULL UNIQUE);
INSERT INTO subscribers (email)
SELECT 'user' || g || '@example.com' FROM generate_series(1, 500) g;

-- A case variant of a stored address is a duplicate; the detail is masked.
INSERT INTO subscribers (email) VALUES ('USER42@EXAMPLE.COM');

-- Lookups use the index, whatever the spelling.
ANALYZE subscribers;
EXPLAIN (COSTS OFF) SELECT id FROM subscribers WHERE email = 'User42@Example.com';
SELECT id FROM subscribers WHERE email = 'User42@Example.com';

-- ORDER BY and range predicates work and agree with each other...
SELECT count(*) AS ordered_pairs_consistent
FROM (SELECT email AS a, lead(email) OVER (ORDER BY email) AS b FROM subscribers) s
WHERE b IS NOT NULL AND a < b;
SELECT count(*) FILTER (WHERE email < m) + count(*) FILTER (WHERE email = m) + count(*) FILTER (WHERE email > m)
       AS trichotomy
FROM subscribers, (SELECT email AS m FROM subscribers WHERE id = 250) x;

-- ...but say nothing about the address: sorted by email, the ids are not
-- in address order (user1, user2, ... would be ascending runs).
SELECT count(*) FILTER (WHERE id > prev) BETWEEN 150 AND 350 AS order_is_unrelated
FROM (SELECT id, lag(id) OVER (ORDER BY email) AS prev FROM subscribers) s
WHERE prev IS NOT NULL;

-- Joins and grouping: hash and merge strategies both work.
CREATE TABLE suppressions (email listguard.email);
INSERT INTO suppressions VALUES ('USER7@example.com'), ('user13@EXAMPLE.com'), ('nobody@example.com');
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT s.id FROM subscribers s JOIN suppressions x ON s.email = x.email;
SELECT s.id FROM subscribers s JOIN suppressions x ON s.email = x.email ORDER BY s.id;
RESET enable_mergejoin; SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT s.id FROM subscribers s JOIN suppressions x ON s.email = x.email;
SELECT s.id FROM subscribers s JOIN suppressions x ON s.email = x.email ORDER BY s.id;
RESET enable_hashjoin; RESET enable_nestloop;

SET enable_sort = off;
SELECT count(*) AS duplicated FROM (SELECT email FROM subscribers UNION ALL SELECT email FROM suppressions) u
GROUP BY email HAVING count(*) > 1;
SELECT count(DISTINCT email) AS distinct_emails FROM (SELECT email FROM subscribers UNION ALL SELECT email FROM suppressions) u;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS duplicated FROM (SELECT email FROM subscribers UNION ALL SELECT email FROM suppressions) u
GROUP BY email HAVING count(*) > 1;
RESET enable_hashagg;

-- A hash index works too.
CREATE INDEX subscribers_email_hash ON subscribers USING hash (email);
SET enable_indexscan = off; SET enable_bitmapscan = on;
ALTER TABLE subscribers DROP CONSTRAINT subscribers_email_key;
EXPLAIN (COSTS OFF) SELECT id FROM subscribers WHERE email = 'user99@example.com';
SELECT id FROM subscribers WHERE email = 'user99@example.com';
RESET enable_indexscan; RESET enable_bitmapscan;

DROP TABLE subscribers, suppressions;
