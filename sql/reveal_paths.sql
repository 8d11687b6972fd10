-- Every path out of the table shows each role exactly its reveal level,
-- and rows of its scopes only: the decision follows the value.
CREATE ROLE rp_none;    -- no grant at all
CREATE ROLE rp_masked;  -- masked, every account
CREATE ROLE rp_pseudo;  -- pseudonyms, account 1
CREATE ROLE rp_clear;   -- clear, account 1, may write
CREATE ROLE rp_list;    -- clear, account 1 list 10 only
CREATE ROLE rp_sealed;  -- sealed tokens, every account
CREATE ROLE rp_owner;   -- owns views and copies; no grant
CREATE TABLE rp_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL, UNIQUE (account_id, email));
SELECT listguard.protect('rp_subs', 'account_id', 'list_id');
INSERT INTO rp_subs VALUES (1, 1, 10, 'Ana.Silva@example.com'), (2, 1, 11, 'bob.jones@example.net'),
                           (3, 2, 20, 'chen.wei@example.org');
GRANT SELECT, INSERT ON rp_subs TO PUBLIC;
SELECT listguard.grant_access('rp_masked', NULL) AS g1, listguard.grant_access('rp_pseudo', 1, reveal => 'pseudonym') AS g2,
       listguard.grant_access('rp_clear', 1, reveal => 'clear', can_write => true) AS g3,
       listguard.grant_access('rp_list', 1, 10, reveal => 'clear') AS g4,
       listguard.grant_access('rp_sealed', NULL, reveal => 'sealed') AS g5 \gset

-- Views owned by a role without grants, with and without security_invoker;
-- a SECURITY DEFINER function owned by a masked role; a copy of the values
-- in an unprotected table (what CREATE TABLE AS makes), analyzed.
CREATE VIEW rp_view_definer AS SELECT id, email FROM rp_subs;
CREATE VIEW rp_view_invoker WITH (security_invoker = true) AS SELECT id, email FROM rp_subs;
ALTER VIEW rp_view_definer OWNER TO rp_owner;
ALTER VIEW rp_view_invoker OWNER TO rp_owner;
GRANT SELECT ON rp_subs TO rp_owner;
GRANT SELECT ON rp_view_definer, rp_view_invoker TO PUBLIC;
CREATE FUNCTION rp_emails_of_masked() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
    AS 'SELECT email::text FROM rp_subs ORDER BY id';
ALTER FUNCTION rp_emails_of_masked() OWNER TO rp_masked;
CREATE TABLE rp_copy AS SELECT s.id, s.email FROM rp_subs s, generate_series(1, 5) g;
GRANT SELECT ON rp_copy TO PUBLIC;
ANALYZE rp_copy;

-- (Tokens and pseudonyms depend on the server key: shown as their shape.)
SELECT p.path, r.role,
       lgtest.shape(lgtest.as_role(r.role, p.query)) AS sees
FROM (VALUES ('rp_none'), ('rp_masked'), ('rp_pseudo'), ('rp_clear'), ('rp_list'), ('rp_sealed')) r(role)
CROSS JOIN (VALUES
    (1, 'select',        $$SELECT format('%s', email) FROM rp_subs ORDER BY id$$),
    (2, 'cast to text',  $$SELECT email::text FROM rp_subs ORDER BY id$$),
    (3, 'string_agg',    $$SELECT string_agg(email::text, ',' ORDER BY id) FROM rp_subs$$),
    (4, 'json_agg',      $$SELECT json_agg(email ORDER BY id) FROM rp_subs$$),
    (5, 'LIKE on text',  $$SELECT count(*) FROM rp_subs WHERE email::text LIKE 'Ana%' OR email::text LIKE 'bob.j%'$$),
    (6, 'length',        $$SELECT string_agg(length(email::text)::text, ',' ORDER BY id) FROM rp_subs$$),
    (7, 'window order',  $$SELECT string_agg(e, ',' ORDER BY split_part(e, '@', 2), e) FROM (SELECT row_number() OVER (ORDER BY email) AS n, email::text AS e FROM rp_subs) s$$),
    (8, 'array_send',    $$SELECT position(convert_to('Ana.Silva', 'UTF8') IN array_send(array_agg(email))) > 0 FROM rp_subs$$),
    (9, 'record_send',   $$SELECT bool_or(position(convert_to('Ana.Silva', 'UTF8') IN record_send(row(id, email))) > 0) FROM rp_subs$$),
    (10, 'view',         $$SELECT email FROM rp_view_definer ORDER BY id$$),
    (11, 'invoker view', $$SELECT email FROM rp_view_invoker ORDER BY id$$),
    (12, 'definer fn',   $$SELECT x FROM rp_emails_of_masked() x$$),
    (13, 'copied table', $$SELECT email FROM rp_copy WHERE id IN (1, 3) GROUP BY id, email ORDER BY id$$),
    (14, 'pg_stats',     $$SELECT string_agg(v, ',' ORDER BY split_part(v, '@', 2), v) FROM pg_stats s, unnest(s.most_common_vals::text::text[]) v WHERE s.tablename = 'rp_copy' AND s.attname = 'email'$$)
) p(n, path, query)
ORDER BY p.n, r.role;

-- Sealed tokens and pseudonyms are what they claim: tokens read back to the
-- same value; pseudonyms are stable per account, unrelated across accounts,
-- and keep the domain.
SELECT lgtest.as_role('rp_sealed', $$SELECT email::text FROM rp_subs WHERE id = 1$$) AS tok \gset
SELECT :'tok'::listguard.email = 'ana.silva@example.com' AS token_is_the_value;
CREATE TABLE rp_other (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
SELECT listguard.protect('rp_other', 'account_id', 'list_id');
INSERT INTO rp_other VALUES (1, 1, 12, 'ana.silva@EXAMPLE.COM'), (2, 2, 20, 'Ana.Silva@example.com');
GRANT SELECT ON rp_other TO rp_pseudo;
SELECT listguard.grant_access('rp_pseudo', 2, reveal => 'pseudonym') AS g7 \gset
SELECT lgtest.as_role('rp_pseudo', $$SELECT (SELECT email::text FROM rp_subs WHERE id = 1) = email::text FROM rp_other WHERE id = 1$$)
         AS same_in_same_account,
       lgtest.as_role('rp_pseudo', $$SELECT (SELECT email::text FROM rp_subs WHERE id = 1) = email::text FROM rp_other WHERE id = 2$$)
         AS same_in_other_account;
SELECT listguard.revoke_access(:g7);
DROP TABLE rp_other;
SELECT lgtest.as_role('rp_pseudo', $$SELECT ('ANA.SILVA@EXAMPLE.COM'::listguard.email)::text$$) AS unstamped_literal,
       lgtest.as_role('rp_pseudo', $$SELECT email::text FROM rp_subs WHERE id = 1$$)
         ~ '^p\.[a-z2-7]{12}@example\.com$' AS pseudonym_shape;

-- The same paths through psql: COPY (query and table), binary COPY,
-- cursors, CREATE TABLE AS and temporary tables.
SET ROLE rp_masked;
COPY (SELECT id, email FROM rp_subs ORDER BY id) TO STDOUT;
COPY rp_subs (id, email) TO STDOUT;
BEGIN;
DECLARE c CURSOR FOR SELECT id, email FROM rp_subs ORDER BY id;
FETCH 2 FROM c;
FETCH 1 FROM c;
COMMIT;
CREATE TEMP TABLE rp_mine AS SELECT id, email FROM rp_subs;
SELECT id, email FROM rp_mine ORDER BY id;
RESET ROLE;

SET ROLE rp_list;
COPY (SELECT id, email FROM rp_subs ORDER BY id) TO STDOUT;
CREATE TEMP TABLE rp_list_copy AS SELECT id, email FROM rp_subs;
RESET ROLE;
-- The list-10 role's copy read by a masked role: still masked (the value
-- keeps its stamp), in the copy as in the original.
GRANT SELECT ON rp_list_copy TO rp_masked;
SET ROLE rp_masked;
SELECT id, email FROM rp_list_copy ORDER BY id;
RESET ROLE;

-- Binary COPY carries what output shows.
\setenv LG_BINARY_COPY /tmp/listguard-regress-binary.copy
SET ROLE rp_masked;
\copy (SELECT email FROM rp_subs ORDER BY id) TO '/tmp/listguard-regress-binary.copy' WITH (FORMAT binary)
RESET ROLE;
SELECT position(convert_to('A***@example.com', 'UTF8') IN pg_read_binary_file('/tmp/listguard-regress-binary.copy')) > 0
       AS binary_masked,
       position(convert_to('Ana.Silva', 'UTF8') IN pg_read_binary_file('/tmp/listguard-regress-binary.copy')) = 0
       AS binary_has_no_address;
\! rm -f "$LG_BINARY_COPY"

-- A unique violation on a table with row-level security has no DETAIL
-- (PostgreSQL leaves the key out), whoever inserts.
SET ROLE rp_clear;
INSERT INTO rp_subs VALUES (4, 1, 11, 'ANA.SILVA@example.com');
RESET ROLE;
SELECT listguard.grant_access('rp_masked', 1, reveal => 'masked', can_write => true) AS g6 \gset
SET ROLE rp_masked;
INSERT INTO rp_subs VALUES (4, 1, 11, 'ANA.SILVA@example.com');
RESET ROLE;

-- Clean up.
SELECT listguard.revoke_access(g) FROM unnest(ARRAY[:g1, :g2, :g3, :g4, :g5, :g6]::bigint[]) g;
DROP TABLE rp_subs CASCADE;
DROP TABLE rp_copy, rp_list_copy, rp_mine;
DROP FUNCTION rp_emails_of_masked();
DROP ROLE rp_none, rp_masked, rp_pseudo, rp_clear, rp_list, rp_sealed, rp_owner;
