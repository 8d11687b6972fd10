-- A role cannot tell its own canaries from ordinary rows of the same list
-- by writing: every write path, as that role, has the same outcome (rows
-- affected, or SQLSTATE and message) on one of its canaries as on an
-- ordinary row whose address has the same length. Addresses of 45 octets
-- make the quoted spelling of the same mailbox 47 octets long, the length
-- that once left no room for the canary mark.
CREATE ROLE cw_writer;
CREATE TABLE cw_subs (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id bigint NOT NULL,
    email listguard.email NOT NULL,
    status text NOT NULL DEFAULT 'active',
    UNIQUE (account_id, list_id, email)
);
CREATE TABLE cw_history (id int, status text, changed_at timestamptz DEFAULT now());
GRANT INSERT ON cw_history TO PUBLIC;
CREATE FUNCTION lgtest.cw_keep_history() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, lgtest AS
    $$ BEGIN INSERT INTO public.cw_history (id, status) VALUES (OLD.id, OLD.status); RETURN NEW; END $$;
CREATE TRIGGER cw_history BEFORE UPDATE ON cw_subs FOR EACH ROW EXECUTE FUNCTION lgtest.cw_keep_history();
INSERT INTO cw_subs (account_id, list_id, email)
SELECT 1, 10 + (g > 40)::int, 'subscriber' || g || '@mail' || g % 3 || '.example' FROM generate_series(1, 60) g;
-- An ordinary row with an address of 45 octets.
INSERT INTO cw_subs (account_id, list_id, email) VALUES (1, 10, 'ordinary.subscriber.number.four@mail1.example');
SELECT listguard.protect('cw_subs', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON cw_subs TO cw_writer;
GRANT USAGE ON SEQUENCE cw_subs_id_seq TO cw_writer;
SELECT listguard.grant_access('cw_writer', 1, 10, reveal => 'clear', can_write => true) AS clear_grant \gset
SELECT listguard.grant_access('cw_writer', 1, 11, reveal => 'masked', can_write => true) AS masked_grant \gset

-- The writer's canary: a pool address of 45 octets too.
SELECT listguard.add_canary_addresses(ARRAY['planted.subscriber.number.seven@mail2.example']) AS added;
SELECT listguard.plant_canaries('cw_subs', 1, 10, roles => ARRAY['cw_writer'::regrole], per_role => 1) AS planted;
SELECT id AS canary FROM cw_subs WHERE email IN (SELECT address FROM listguard.canaries WHERE role = 'cw_writer'::regrole) \gset
SELECT id AS ordinary FROM cw_subs WHERE email = 'ordinary.subscriber.number.four@mail1.example' \gset
SELECT lgtest.as_role('cw_writer', format('SELECT length(email::text) FROM cw_subs WHERE id IN (%s, %s)', :canary, :ordinary))
    AS lengths;

-- What a statement does as the writer on row {id}, rolled back: "ok" and
-- the rows it affected, or its SQLSTATE and message.
CREATE FUNCTION lgtest.cw_outcome(template text, row_id int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
    affected bigint;
BEGIN
    BEGIN
        PERFORM set_config('role', 'cw_writer', true);
        EXECUTE replace(template, '{id}', row_id::text);
        GET DIAGNOSTICS affected = ROW_COUNT;
        result := 'ok ' || affected;
        RAISE EXCEPTION USING ERRCODE = 'LGTST';
    EXCEPTION WHEN OTHERS THEN
        IF SQLSTATE <> 'LGTST' THEN
            result := SQLSTATE || ' ' || replace(SQLERRM, row_id::text, '{id}');
        END IF;
    END;
    PERFORM set_config('role', 'none', true);
    RETURN result;
END
$$;

WITH statements(statement) AS (VALUES
    ($$UPDATE cw_subs SET status = 'x' WHERE id = {id}$$),
    ($$UPDATE cw_subs SET email = email WHERE id = {id}$$),
    ($$UPDATE cw_subs SET email = email::text WHERE id = {id}$$),
    ($$UPDATE cw_subs SET email = upper(email::text) WHERE id = {id}$$),
    ($$UPDATE cw_subs SET email = ' ' || email::text || ' ' WHERE id = {id}$$),
    ($$UPDATE cw_subs SET email = '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2) WHERE id = {id}$$),
    ($$UPDATE cw_subs SET email = split_part(email::text, '@', 1) || '@' || upper(split_part(email::text, '@', 2)) WHERE id = {id}$$),
    ($$UPDATE cw_subs SET list_id = 11 WHERE id = {id}$$),
    ($$UPDATE cw_subs SET list_id = 11, email = '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2) WHERE id = {id}$$),
    ($$UPDATE cw_subs SET account_id = 2 WHERE id = {id}$$),
    ($$DELETE FROM cw_subs WHERE id = {id}$$),
    ($$SELECT 1 FROM cw_subs WHERE id = {id} FOR UPDATE$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT account_id, list_id, email FROM cw_subs WHERE id = {id}$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT 1, 11, email FROM cw_subs WHERE id = {id}$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT 1, 11, email::text FROM cw_subs WHERE id = {id}$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT 1, 11, '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2) FROM cw_subs WHERE id = {id}$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT 2, 10, email::text FROM cw_subs WHERE id = {id}$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT account_id, list_id, email FROM cw_subs WHERE id = {id} ON CONFLICT DO NOTHING$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT account_id, list_id, email FROM cw_subs WHERE id = {id} ON CONFLICT (account_id, list_id, email) DO UPDATE SET status = 'again'$$),
    ($$INSERT INTO cw_subs (account_id, list_id, email) SELECT account_id, list_id, '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2) FROM cw_subs WHERE id = {id} ON CONFLICT (account_id, list_id, email) DO UPDATE SET email = excluded.email$$),
    ($$MERGE INTO cw_subs t USING (SELECT * FROM cw_subs WHERE id = {id}) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET status = 'merged'$$),
    ($$MERGE INTO cw_subs t USING (SELECT * FROM cw_subs WHERE id = {id}) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET email = '"' || split_part(s.email::text, '@', 1) || '"@' || split_part(s.email::text, '@', 2)$$),
    ($$MERGE INTO cw_subs t USING (SELECT * FROM cw_subs WHERE id = {id}) s ON false WHEN NOT MATCHED THEN INSERT (account_id, list_id, email) VALUES (1, 11, s.email)$$),
    ($$MERGE INTO cw_subs t USING (SELECT * FROM cw_subs WHERE id = {id}) s ON t.id = s.id WHEN MATCHED THEN DELETE$$),
    ($$UPDATE cw_subs SET email = (SELECT email FROM cw_subs WHERE id = {id}) WHERE id = 1$$),
    ($$UPDATE cw_subs SET email = (SELECT email FROM cw_subs WHERE id = {id}) WHERE id = 50$$),
    ($$WITH gone AS (DELETE FROM cw_subs WHERE id = {id} RETURNING *) INSERT INTO cw_subs (account_id, list_id, email) SELECT account_id, list_id, email::text FROM gone$$),
    ($$WITH gone AS (DELETE FROM cw_subs WHERE id = {id} RETURNING *) INSERT INTO cw_subs (account_id, list_id, email) SELECT account_id, list_id, '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2) FROM gone$$)
)
SELECT statement, lgtest.cw_outcome(statement, :canary) = lgtest.cw_outcome(statement, :ordinary) AS same,
       lgtest.cw_outcome(statement, :ordinary) AS outcome
FROM statements;

-- And the sizes the writer can measure: its canary's value and an ordinary
-- one of the same length, as stored and after each rewrite.
SET ROLE cw_writer;
SELECT pg_column_size(c.email) = pg_column_size(o.email) AS same_size_stored
FROM cw_subs c, cw_subs o WHERE c.id = :canary AND o.id = :ordinary;
BEGIN;
UPDATE cw_subs SET email = '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2)
WHERE id IN (:canary, :ordinary);
SELECT pg_column_size(c.email) = pg_column_size(o.email) AS same_size_rewritten
FROM cw_subs c, cw_subs o WHERE c.id = :canary AND o.id = :ordinary;
ROLLBACK;
RESET ROLE;
-- The rewritten canary is still a canary (its role cannot turn it into an
-- ordinary row): another reader of the list still does not see it.
CREATE ROLE cw_other;
GRANT SELECT ON cw_subs TO cw_other;
SELECT listguard.grant_access('cw_other', 1, 10, reveal => 'clear') AS other_grant \gset
SELECT lgtest.as_role('cw_other', format('SELECT count(*) FROM cw_subs WHERE id = %s', :canary)) AS other_sees_before;
BEGIN;
SET LOCAL ROLE cw_writer;
UPDATE cw_subs SET email = '"' || split_part(email::text, '@', 1) || '"@' || split_part(email::text, '@', 2) WHERE id = :canary;
RESET ROLE;
SELECT lgtest.as_role('cw_other', format('SELECT count(*) FROM cw_subs WHERE id = %s', :canary)) AS other_sees_after;
SELECT lgtest.as_role('cw_writer', format('SELECT email FROM cw_subs WHERE id = %s', :canary)) AS writer_sees;
ROLLBACK;

SELECT listguard.revoke_access(:clear_grant), listguard.revoke_access(:masked_grant), listguard.revoke_access(:other_grant);
SELECT listguard.remove_canaries('cw_subs') AS removed;
DROP TABLE cw_subs, cw_history;
DROP FUNCTION lgtest.cw_outcome(text, int), lgtest.cw_keep_history();
DROP ROLE cw_writer, cw_other;
