-- The privilege matrix of listguard's own objects: what PUBLIC, admins and
-- the extension can reach, and what protect() installs.
BEGIN;
SELECT plan(23);

CREATE ROLE tap_someone;
CREATE ROLE tap_admin IN ROLE listguard_admin;

-- Grants and protection records: admins may read them, nobody may write
-- them except through the admin functions.
SELECT table_privs_are('listguard', 'grants', 'tap_someone', ARRAY[]::text[], 'grants are closed to ordinary roles');
SELECT table_privs_are('listguard', 'grants', 'listguard_admin', ARRAY['SELECT'], 'admins may read the grants');
SELECT table_privs_are('listguard', 'protected_tables', 'tap_someone', ARRAY[]::text[],
                       'protection records are closed to ordinary roles');
SELECT table_privs_are('listguard', 'protected_tables', 'listguard_admin', ARRAY['SELECT'],
                       'admins may read the protection records');

-- The implementations of admin functions cannot be called directly.
SELECT ok(NOT has_function_privilege('tap_someone', p.oid, 'EXECUTE'), format('%s is not for PUBLIC', p.oid::regprocedure))
FROM pg_proc p
WHERE p.pronamespace = 'listguard'::regnamespace AND p.proname IN ('_grant_access', '_revoke_access', '_protect', '_unprotect',
                                                                   '_drop_protection', '_explain_access', '_on_sql_drop')
ORDER BY p.proname;

-- The gates and the policy functions are callable (the gates check the caller).
SELECT function_privs_are('listguard', 'grant_access',
    ARRAY['regrole', 'bigint', 'bigint', 'text', 'boolean', 'text', 'timestamp with time zone', 'cidr[]', 'text', 'text', 'boolean', 'text'],
    'tap_someone', ARRAY['EXECUTE'], 'grant_access is callable (and refuses non-admins itself)');
SELECT function_privs_are('listguard', 'can_read', ARRAY['bigint', 'bigint'], 'tap_someone', ARRAY['EXECUTE'],
                          'can_read is for everyone''s policies');
SELECT volatility_is('listguard', 'can_read', ARRAY['bigint', 'bigint'], 'stable');
SELECT volatility_is('listguard', 'can_write', ARRAY['bigint', 'bigint'], 'stable');
SELECT is_strict('listguard', 'can_read', ARRAY['bigint', 'bigint']);

-- What protect() installs.
CREATE TABLE tap_protected (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('tap_protected', 'account_id', 'list_id');
SELECT policies_are('public', 'tap_protected',
    ARRAY['listguard_base', 'listguard_read', 'listguard_insert', 'listguard_update', 'listguard_delete']);
SELECT policy_cmd_is('public', 'tap_protected', 'listguard_read', 'select', 'the read policy is for SELECT');
SELECT policy_cmd_is('public', 'tap_protected', 'listguard_update', 'update', 'the update policy is for UPDATE');
SELECT is((SELECT roles::text FROM pg_policies WHERE tablename = 'tap_protected' AND policyname = 'listguard_read'),
          '{public}', 'the read policy applies to every role');
SELECT has_trigger('public', 'tap_protected', 'listguard_stamp', 'protect() installs the stamping trigger');
SELECT trigger_is('public', 'tap_protected', 'listguard_stamp', 'listguard', 'stamp_trigger');
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'tap_protected'::regclass),
          'row-level security is enabled and forced');

SELECT * FROM finish();
ROLLBACK;
