-- Every object listguard creates, with its owner and who may use it: a
-- function, table or role left open to PUBLIC, or owned by someone else,
-- fails here.
BEGIN;
SELECT plan(9);

-- Functions of schema listguard that PUBLIC may execute. Everything else
-- (the implementations of admin functions, trigger and event trigger
-- functions, helpers) is revoked.
SELECT set_eq(
    $$SELECT p.oid::regprocedure::text FROM pg_proc p
      WHERE p.pronamespace = 'listguard'::regnamespace
        AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a
                                          WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))$$,
    $$VALUES ('listguard._quota_state()'), ('listguard.audit_for(text,text)'), ('listguard.audit_pending()'),
             ('listguard.calling_role()'), ('listguard.can_read(bigint,bigint)'), ('listguard.can_write(bigint,bigint)'),
             ('listguard.current_role_is_admin()'), ('listguard.email(text)'), ('listguard.email_cmp(listguard.email,listguard.email)'),
             ('listguard.email_eq(listguard.email,listguard.email)'), ('listguard.email_ge(listguard.email,listguard.email)'),
             ('listguard.email_gt(listguard.email,listguard.email)'), ('listguard.email_hash(listguard.email)'),
             ('listguard.email_hash_extended(listguard.email,bigint)'), ('listguard.email_in(cstring)'),
             ('listguard.email_le(listguard.email,listguard.email)'), ('listguard.email_lt(listguard.email,listguard.email)'),
             ('listguard.email_ne(listguard.email,listguard.email)'), ('listguard.email_out(listguard.email)'),
             ('listguard.email_recv(internal)'), ('listguard.email_send(listguard.email)'),
             ('listguard.email_sortsupport(internal)'),
             ('listguard.explain_access(regrole,text)'), ('listguard.invalid_addresses(regclass,name)'),
             ('listguard.grant_access(regrole,bigint,bigint,text,boolean,text,timestamp with time zone,cidr[],text,text,boolean,text)'),
             ('listguard.protect(regclass,name,name,text,text)'), ('listguard.quota_parts(text)'),
             ('listguard.revoke_access(bigint)'), ('listguard.role_receives_grants_of(regrole,regrole)'),
             ('listguard.stamp_batch(regclass,bigint,bigint)'), ('listguard.stamp_existing(regclass,integer)'),
             ('listguard.stamp_plan(regclass)'),
             ('listguard.text(listguard.email)'), ('listguard.to_email(text,text)'), ('listguard.unprotect(regclass)'),
             ('listguard._address_or_null(text)'), ('listguard._first_account(boolean)'), ('listguard._last_account(boolean)'),
             ('listguard._written_back(listguard.email,listguard.email,regclass,smallint)'),
             ('listguard._written_back(listguard.email,text,regclass,smallint)'),
             ('listguard.verify_audit()'), ('listguard.accept_restored_history(text)'),
             -- keys: the admin gates, and re-sealing (which changes nothing a
             -- role could not copy anyway; table owners run it)
             ('listguard.add_key(boolean)'), ('listguard.key_usage()'), ('listguard.keys()'),
             ('listguard.reload_keyring()'), ('listguard.reseal_batch(regclass,bigint,bigint)'),
             ('listguard.reseal_existing(integer)'), ('listguard.reseal_plan()'), ('listguard.retire_key(text)'),
             ('listguard.use_key(text)'), ('listguard._resealed(listguard.email)'),
             ('listguard._under_current_key(listguard.email)'),
             -- access requests: open to every role, each deciding who may do what
             ('listguard.request_access(bigint,bigint,text,interval,text)'), ('listguard.approve(bigint,text)'),
             ('listguard.deny(bigint,text)'), ('listguard.cancel(bigint)'),
             ('listguard._is_member_of(regrole,regrole)'),
             -- canaries: the admin gates, and the row policy of tables that hold them
             ('listguard.add_canary_addresses(text[])'),
             ('listguard.plant_canaries(regclass,bigint,bigint,regrole[],integer)'),
             ('listguard.plan_canaries(regclass,bigint,bigint,regrole[],integer,interval)'),
             ('listguard.plant_due_canaries(integer)'),
             ('listguard.remove_canaries(regclass,bigint,bigint,regrole[])'), ('listguard.trace(text)'),
             ('listguard.trace_leak(text[])'), ('listguard.report_canary_hit(text,timestamp with time zone,text)'),
             ('listguard.can_read(bigint,bigint,listguard.email)'), ('listguard.can_write(bigint,bigint,listguard.email)'),
             -- monitoring: who is a monitor, and redaction (which only hides)
             ('listguard.current_role_is_monitor()'), ('listguard._redact(text)'), ('listguard._has_address(text)'),
             -- retention: the admin gates
             ('listguard.archive_audit(timestamp with time zone)'), ('listguard.verify_audit_archive(text)'),
             ('listguard.read_audit_archive(text)'),
             -- principals: the admin gates, and what an application calls
             -- (act_as refuses every role but a registered application)
             ('listguard.create_principal(text,bigint,text)'), ('listguard.drop_principal(text)'),
             ('listguard.add_application(regrole,text,boolean,boolean)'), ('listguard.drop_application(regrole,text)'),
             ('listguard.act_as(text,boolean)'), ('listguard.end_principal()'), ('listguard.current_principal()'),
             ('listguard.plant_canaries(regclass,bigint,bigint,text[],integer,regrole)')$$,
    'only the type, the policy functions, the admin gates and harmless helpers are open to PUBLIC');

-- Nobody but the extension's owner owns anything of listguard.
SELECT is((SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
           WHERE e.extname = 'listguard' AND d.deptype = 'e' AND d.classid = 'pg_proc'::regclass
             AND (SELECT p.proowner FROM pg_proc p WHERE p.oid = d.objid) <> e.extowner), 0::bigint,
          'every function belongs to the extension owner');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_extension e ON e.extname = 'listguard'
           WHERE c.relnamespace = 'listguard'::regnamespace AND c.relowner <> e.extowner), 0::bigint,
          'every table, view, index and sequence belongs to the extension owner');

-- Tables, views and sequences: who may do what (the owner aside).
SELECT set_eq(
    $$SELECT format('%s: %s %s', c.relname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                    a.privilege_type) COLLATE "default"
      FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.relnamespace = 'listguard'::regnamespace AND a.grantee <> c.relowner$$,
    $$VALUES ('audit_log: listguard_admin SELECT'), ('audit_heads: listguard_admin SELECT'),
             ('grants: listguard_admin SELECT'),
             ('protected_tables: listguard_admin SELECT'), ('quota_usage: PUBLIC SELECT'),
             ('requests: listguard_admin SELECT'), ('request_approvals: listguard_admin SELECT'),
             ('access_requests: PUBLIC SELECT'), ('canaries: listguard_admin SELECT'),
             ('metrics: listguard_monitor SELECT'), ('metrics: pg_monitor SELECT'), ('metrics: listguard_admin SELECT'),
             ('progress: listguard_monitor SELECT'), ('progress: pg_monitor SELECT'),
             ('progress: listguard_admin SELECT'), ('audit_events: listguard_monitor SELECT'),
             ('audit_events: pg_monitor SELECT'), ('audit_events: listguard_admin SELECT'),
             ('stamp_queue: listguard_admin SELECT'), ('audit_archives: listguard_admin SELECT'),
             ('canary_reveal_history: listguard_admin SELECT'),
             -- backups hold listguard's own tables too
             ('audit_log: listguard_backup SELECT'), ('audit_heads: listguard_backup SELECT'),
             ('grants: listguard_backup SELECT'), ('protected_tables: listguard_backup SELECT'),
             ('requests: listguard_backup SELECT'), ('request_approvals: listguard_backup SELECT'),
             ('canaries: listguard_backup SELECT'), ('grants_id_seq: listguard_backup SELECT'),
             ('requests_id_seq: listguard_backup SELECT'), ('canaries_id_seq: listguard_backup SELECT'),
             ('reveal_summaries: listguard_admin SELECT'), ('reveal_summaries_since: listguard_admin SELECT'),
             ('canary_plans: listguard_admin SELECT'), ('reveal_summaries: listguard_backup SELECT'),
             ('reveal_summaries_since: listguard_backup SELECT'), ('canary_plans: listguard_backup SELECT'),
             ('canary_plans_id_seq: listguard_backup SELECT'),
             ('stamp_queue: listguard_backup SELECT'), ('audit_archives: listguard_backup SELECT'),
             ('canary_reveal_history: listguard_backup SELECT'),
             ('application_users: listguard_backup SELECT'), ('applications: listguard_backup SELECT'),
             ('application_keys: listguard_backup SELECT'), ('application_users_id_seq: listguard_backup SELECT'),
             ('application_users: listguard_admin SELECT'), ('applications: listguard_admin SELECT'),
             ('application_keys: listguard_admin SELECT'), ('principals: listguard_admin SELECT')$$,
    'only admins and backups read the grants, protections, requests, canaries, reveal summaries, canary plans, '
    'principals, applications and audit log; everyone reads their quotas and requests; monitors read metrics, '
    'progress and the audit log without addresses');
-- The schema: everyone may use what is in it, nobody may create there.
SELECT results_eq(
    $$SELECT format('%s %s', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                    a.privilege_type) COLLATE "default"
      FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE n.nspname = 'listguard' AND a.grantee <> n.nspowner ORDER BY 1$$,
    $$VALUES ('PUBLIC USAGE')$$, 'schema listguard: usage for everyone, create for nobody');

-- listguard's roles: none can log in or is a superuser, each carries
-- listguard's mark, and admins are owners of protected tables.
SELECT results_eq(
    $$SELECT r.rolname::text COLLATE "default", r.rolcanlogin, r.rolsuper, r.rolcreaterole, r.rolbypassrls,
             l.label COLLATE "default"
      FROM pg_roles r LEFT JOIN pg_shseclabel l ON l.objoid = r.oid AND l.provider = 'listguard'
      WHERE r.rolname IN ('listguard_admin', 'listguard_owner', 'listguard_approver', 'listguard_standby',
                          'listguard_backup', 'listguard_monitor') ORDER BY 1$$,
    $$VALUES ('listguard_admin', false, false, false, false, 'role'),
             ('listguard_approver', false, false, false, false, 'role'),
             ('listguard_backup', false, false, false, false, 'role'),
             ('listguard_monitor', false, false, false, false, 'role'),
             ('listguard_owner', false, false, false, false, 'role'),
             ('listguard_standby', false, false, false, false, 'role')$$,
    'listguard''s roles are NOLOGIN, not superusers, and marked');
SELECT ok(pg_has_role('listguard_admin', 'listguard_owner', 'MEMBER'), 'admins are owners of protected tables');
SELECT is((SELECT count(*) FROM pg_auth_members m WHERE m.member = 'listguard_owner'::regrole), 0::bigint,
          'listguard_owner belongs to no other role');

-- The event trigger that guards drops fires on every drop.
SELECT results_eq(
    $$SELECT evtname::text COLLATE "default", evtevent::text COLLATE "default", evtenabled::text FROM pg_event_trigger
      WHERE evtfoid = 'listguard._on_sql_drop()'::regprocedure$$,
    $$VALUES ('listguard_sql_drop', 'sql_drop', 'O')$$, 'the drop guard is installed and enabled');

SELECT * FROM finish();
ROLLBACK;
