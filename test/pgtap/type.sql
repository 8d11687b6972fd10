-- The type, its operators and operator classes, and the properties the
-- planner relies on.
BEGIN;
SELECT plan(27);

SELECT has_extension('listguard');
SELECT has_schema('listguard');
SELECT has_role('listguard_admin');
SELECT has_type('listguard', 'email', 'type listguard.email exists');

-- Operators, visible whatever the search_path.
SELECT has_operator('listguard.email', 'pg_catalog', '=', 'listguard.email', 'boolean', 'operator = exists in pg_catalog');
SELECT has_operator('listguard.email', 'pg_catalog', '<>', 'listguard.email', 'boolean', 'operator <> exists in pg_catalog');
SELECT has_operator('listguard.email', 'pg_catalog', '<', 'listguard.email', 'boolean', 'operator < exists in pg_catalog');
SELECT has_operator('listguard.email', 'pg_catalog', '>=', 'listguard.email', 'boolean', 'operator >= exists in pg_catalog');
SELECT ok((SELECT oprcanhash AND oprcanmerge FROM pg_operator
           WHERE oprname = '=' AND oprleft = 'listguard.email'::regtype AND oprright = 'listguard.email'::regtype),
          '= supports hash and merge joins');

SELECT has_opclass('listguard', 'email_btree_ops', 'btree operator class exists');
SELECT has_opclass('listguard', 'email_hash_ops', 'hash operator class exists');
SELECT is((SELECT opcdefault FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
           WHERE opcname = 'email_btree_ops' AND amname = 'btree'), true, 'btree class is the default');
SELECT is((SELECT opcdefault FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
           WHERE opcname = 'email_hash_ops' AND amname = 'hash'), true, 'hash class is the default');

-- Comparison functions are leakproof; output is not immutable (it depends
-- on who asks).
SELECT is((SELECT bool_and(proleakproof) FROM pg_proc
           WHERE pronamespace = 'listguard'::regnamespace
             AND proname IN ('email_eq', 'email_ne', 'email_lt', 'email_le', 'email_gt', 'email_ge')),
          true, 'comparison functions are leakproof');
SELECT volatility_is('listguard', 'email_out', ARRAY['listguard.email'], 'stable');
SELECT volatility_is('listguard', 'email_send', ARRAY['listguard.email'], 'stable');
-- The cast to text is volatile (bd27ab3): made after sorts, limits and DISTINCT ON.
SELECT volatility_is('listguard', 'text', ARRAY['listguard.email'], 'volatile');
-- Input is stable: an address is sealed with its transaction's nonce.
SELECT volatility_is('listguard', 'email_in', ARRAY['cstring'], 'stable');

-- Text and varchar become addresses implicitly (the parameter types
-- drivers send); an address becomes text only by assignment or explicitly.
SELECT has_cast('text', 'listguard.email');
SELECT has_cast('listguard.email', 'text');
SELECT cast_context_is('text', 'listguard.email', 'implicit');
SELECT cast_context_is('listguard.email', 'text', 'assignment');
SELECT cast_context_is('character varying', 'listguard.email', 'implicit');

-- Under row-level security, a non-owner's "email = $1" still uses the index
-- (it would not if = were not leakproof).
CREATE TABLE tap_rls (id int, email listguard.email);
INSERT INTO tap_rls SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 5000) g;
CREATE INDEX tap_rls_email ON tap_rls (email);
ANALYZE tap_rls;
ALTER TABLE tap_rls ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION tap_even(int) RETURNS boolean LANGUAGE sql AS 'SELECT $1 % 2 = 0';
CREATE POLICY tap_even_rows ON tap_rls USING (tap_even(id));
CREATE ROLE tap_reader;
GRANT SELECT ON tap_rls TO tap_reader;
GRANT USAGE ON SCHEMA listguard TO tap_reader;

CREATE FUNCTION tap_plan(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; result text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        result := result || line || E'\n';
    END LOOP;
    RETURN result;
END $$;
GRANT EXECUTE ON FUNCTION tap_plan(text) TO tap_reader;

SET ROLE tap_reader;
SELECT matches(tap_plan($$SELECT id FROM tap_rls WHERE email = 'user42@example.com'$$),
               'Index Scan using tap_rls_email|Bitmap Index Scan on tap_rls_email',
               'equality lookup uses the index under row-level security');
SELECT is((SELECT id FROM tap_rls WHERE email = 'USER42@example.com'), 42, 'lookup finds the row');
SELECT is((SELECT count(*)::int FROM tap_rls WHERE email = 'user43@example.com'), 0,
          'policy still hides rows');
RESET ROLE;

-- Hash index lookups.
CREATE INDEX tap_rls_email_hash ON tap_rls USING hash (email);
SELECT is((SELECT id FROM tap_rls WHERE email = 'user4000@EXAMPLE.COM'), 4000, 'hash index lookup');

SELECT * FROM finish();
ROLLBACK;
