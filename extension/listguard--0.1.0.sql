-- listguard 0.1.0: the sealed email type.
\echo Use "CREATE EXTENSION listguard" to load this file. \quit

-- Administration is for superusers and members of listguard_admin.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'listguard_admin') THEN
        CREATE ROLE listguard_admin NOLOGIN;
    END IF;
END
$$;

-- Everyone may use the type and the policy functions; what is sensitive
-- (the grants, the implementations of admin functions) is revoked below.
GRANT USAGE ON SCHEMA listguard TO PUBLIC;

CREATE TYPE email;

-- Input is immutable (the server key does not change under a running
-- server); output depends on the current role and settings, so it is stable.
CREATE FUNCTION email_in(cstring) RETURNS email
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_out(email) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_recv(internal) RETURNS email
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_send(email) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE email (
    INPUT = email_in,
    OUTPUT = email_out,
    RECEIVE = email_recv,
    SEND = email_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = main
);
COMMENT ON TYPE email IS 'an email address, stored sealed (AES-SIV) and shown as the current role may see it';

-- Casts: text in, and out as the output function shows it.
CREATE FUNCTION email(text) RETURNS email
    AS 'MODULE_PATHNAME', 'email_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION text(email) RETURNS text
    AS 'MODULE_PATHNAME', 'email_to_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE CAST (text AS email) WITH FUNCTION email(text) AS ASSIGNMENT;
CREATE CAST (varchar AS email) WITH FUNCTION email(text) AS ASSIGNMENT;
CREATE CAST (email AS text) WITH FUNCTION text(email) AS ASSIGNMENT;

-- Operators live in pg_catalog so that "email = 'x'" works whatever the
-- search_path (operators are resolved through it; the type is in listguard).
-- Comparison on the keyed digest only: equality is exact, order is
-- arbitrary and says nothing about the address. None of these can fail on a
-- valid value or reveal anything but equality, hence LEAKPROOF (so that row
-- security does not stop them from using an index).
CREATE FUNCTION email_eq(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_ne(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_lt(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_le(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_gt(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_ge(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_cmp(email, email) RETURNS int4
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_sortsupport(internal) RETURNS void
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_hash(email) RETURNS int4
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_hash_extended(email, int8) RETURNS int8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR pg_catalog.= (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_eq,
    COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR pg_catalog.<> (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_ne,
    COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR pg_catalog.< (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_lt,
    COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR pg_catalog.<= (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_le,
    COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR pg_catalog.> (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_gt,
    COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR pg_catalog.>= (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_ge,
    COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<), RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS email_btree_ops DEFAULT FOR TYPE email USING btree AS
    OPERATOR 1 pg_catalog.<,
    OPERATOR 2 pg_catalog.<=,
    OPERATOR 3 pg_catalog.=,
    OPERATOR 4 pg_catalog.>=,
    OPERATOR 5 pg_catalog.>,
    FUNCTION 1 email_cmp(email, email),
    FUNCTION 2 email_sortsupport(internal);

CREATE OPERATOR CLASS email_hash_ops DEFAULT FOR TYPE email USING hash AS
    OPERATOR 1 pg_catalog.=,
    FUNCTION 1 email_hash(email),
    FUNCTION 2 email_hash_extended(email, int8);

-- ---------------------------------------------------------------------------
-- Access: grants, row policies, scope stamping.
-- ---------------------------------------------------------------------------

-- Who may see what. Changed only through grant_access() and revoke_access().
CREATE TABLE grants (
    id            bigserial PRIMARY KEY,
    grantee       regrole NOT NULL,
    account       bigint CHECK (account > 0),
    list          bigint CHECK (list > 0),
    reveal        text NOT NULL CHECK (reveal IN ('masked', 'pseudonym', 'sealed', 'clear')),
    can_write     boolean NOT NULL DEFAULT false,
    quota         text,
    quota_limit   bigint,
    quota_window  bigint,
    on_exceed     text NOT NULL DEFAULT 'error' CHECK (on_exceed IN ('error', 'mask')),
    valid_until   timestamptz,
    from_networks cidr[],
    reason        text,
    granted_by    regrole NOT NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (list IS NULL OR account IS NOT NULL),
    CHECK ((quota IS NULL) = (quota_limit IS NULL) AND (quota IS NULL) = (quota_window IS NULL))
);
REVOKE ALL ON grants FROM PUBLIC;
GRANT SELECT ON grants TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.grants', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.grants_id_seq', '');

-- Tables under listguard.protect(), and the row-security state they had.
CREATE TABLE protected_tables (
    relid          regclass PRIMARY KEY,
    account_column name NOT NULL,
    list_column    name,
    audit          text NOT NULL CHECK (audit IN ('statement', 'row', 'off')),
    rls_was_enabled boolean NOT NULL,
    rls_was_forced  boolean NOT NULL,
    protected_by   regrole NOT NULL,
    protected_at   timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON protected_tables FROM PUBLIC;
GRANT SELECT ON protected_tables TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.protected_tables', '');

-- Every backend drops its cached decisions when either table changes.
CREATE FUNCTION grants_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_grants_changed' LANGUAGE C;
CREATE TRIGGER grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER protected_tables_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON protected_tables
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();

-- What the built-in policies use; DBAs may use them in their own policies.
CREATE FUNCTION can_read(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_read' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION can_write(account bigint, list bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_can_write' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION stamp_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_trigger' LANGUAGE C;
CREATE FUNCTION audit_statement_trigger() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_statement_trigger' LANGUAGE C;

CREATE FUNCTION quota_parts(quota text, OUT quota_limit bigint, OUT window_seconds bigint)
    AS 'MODULE_PATHNAME', 'lg_quota_parts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION role_receives_grants_of(member regrole, grantee regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_role_receives_grants_of' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION calling_role() RETURNS regrole
    AS 'MODULE_PATHNAME', 'lg_calling_role' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Administration: C gates that check the caller is an admin, then run
-- listguard._<name> (below) as the bootstrap superuser.
CREATE FUNCTION grant_access(
    grantee regrole, account bigint, list bigint DEFAULT NULL, reveal text DEFAULT 'masked',
    can_write boolean DEFAULT false, quota text DEFAULT NULL, valid_until timestamptz DEFAULT NULL,
    from_networks cidr[] DEFAULT NULL, reason text DEFAULT NULL, on_exceed text DEFAULT 'error') RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION revoke_access(grant_id bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION protect(tbl regclass, account_column name, list_column name DEFAULT NULL,
                        audit text DEFAULT 'statement') RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION unprotect(tbl regclass) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION explain_access(role regrole)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;

CREATE FUNCTION _invalid(message text, detail text, hint text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = message, DETAIL = detail,
                          HINT = coalesce(hint, '');
END
$$;

CREATE FUNCTION _grant_access(
    grantee regrole, account bigint, list bigint, reveal text, can_write boolean, quota text,
    valid_until timestamptz, from_networks cidr[], reason text, on_exceed text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    q_limit bigint;
    q_window bigint;
    new_id bigint;
BEGIN
    IF grantee IS NULL THEN
        PERFORM listguard._invalid('grantee must not be null', 'grant_access() needs the role that receives the grant.');
    END IF;
    IF reveal IS NULL OR reveal NOT IN ('masked', 'pseudonym', 'sealed', 'clear') THEN
        PERFORM listguard._invalid(format('invalid reveal level %L', reveal),
            'The reveal level must be one of masked, pseudonym, sealed and clear.');
    END IF;
    IF account IS NOT NULL AND account <= 0 THEN
        PERFORM listguard._invalid(format('invalid account id %s', account), 'Account ids are positive numbers.',
            'Use NULL for every account.');
    END IF;
    IF list IS NOT NULL AND list <= 0 THEN
        PERFORM listguard._invalid(format('invalid list id %s', list), 'List ids are positive numbers.',
            'Use NULL for every list of the account.');
    END IF;
    IF list IS NOT NULL AND account IS NULL THEN
        PERFORM listguard._invalid('a list grant needs an account', 'List ids are only unique within an account.');
    END IF;
    IF on_exceed IS NULL OR on_exceed NOT IN ('error', 'mask') THEN
        PERFORM listguard._invalid(format('invalid on_exceed %L', on_exceed),
            'What happens when the quota is used up: error (the statement fails) or mask (values are shown masked).');
    END IF;
    IF on_exceed = 'mask' AND quota IS NULL THEN
        PERFORM listguard._invalid('on_exceed needs a quota', 'Without a quota there is nothing to exceed.');
    END IF;
    IF can_write IS NULL THEN
        PERFORM listguard._invalid('can_write must not be null', 'Say true or false.');
    END IF;
    IF quota IS NOT NULL THEN
        SELECT p.quota_limit, p.window_seconds INTO q_limit, q_window FROM listguard.quota_parts(quota) p;
    END IF;
    IF valid_until IS NOT NULL AND valid_until <= now() THEN
        PERFORM listguard._invalid('valid_until is in the past', 'A grant must be valid for some time after it is made.',
            'Use NULL for a grant that does not expire.');
    END IF;
    IF from_networks IS NOT NULL AND (cardinality(from_networks) = 0 OR array_position(from_networks, NULL) IS NOT NULL) THEN
        PERFORM listguard._invalid('from_networks must list networks',
            'It is empty or holds a null, which no connection could match.', 'Use NULL for any network.');
    END IF;
    INSERT INTO listguard.grants (grantee, account, list, reveal, can_write, quota, quota_limit, quota_window,
                                  on_exceed, valid_until, from_networks, reason, granted_by)
    VALUES (grantee, account, list, reveal, can_write, quota, q_limit, q_window,
            on_exceed, valid_until, from_networks, reason, listguard.calling_role())
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE FUNCTION _revoke_access(grant_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM listguard.grants WHERE id = grant_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('grant %s does not exist', grant_id),
            HINT = 'listguard.explain_access(role) lists the grants of a role.';
    END IF;
END
$$;

CREATE FUNCTION _explain_access(role regrole)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT g.account, g.list, g.reveal, g.can_write, g.quota, g.valid_until, g.from_networks, g.id, g.grantee
    FROM listguard.grants g
    WHERE listguard.role_receives_grants_of(role, g.grantee)
    ORDER BY g.account NULLS FIRST, g.list NULLS FIRST, g.id
$$;

CREATE FUNCTION _protect(tbl regclass, account_column name, list_column name, audit text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind "char";
    was_enabled boolean;
    was_forced boolean;
    column_type regtype;
    scope text;
BEGIN
    IF tbl IS NULL OR account_column IS NULL THEN
        PERFORM listguard._invalid('table and account column must not be null', 'protect() needs both.');
    END IF;
    IF audit IS NULL OR audit NOT IN ('statement', 'row', 'off') THEN
        PERFORM listguard._invalid(format('invalid audit level %L', audit),
            'The audit level must be statement, row or off.');
    END IF;
    SELECT c.relkind, c.relrowsecurity, c.relforcerowsecurity INTO kind, was_enabled, was_forced
    FROM pg_class c WHERE c.oid = tbl;
    IF kind <> 'r' THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type', MESSAGE = format('%s is not a table', tbl),
            DETAIL = 'Only ordinary tables can be protected (protect each partition of a partitioned table).';
    END IF;
    FOREACH scope IN ARRAY ARRAY[account_column, list_column] LOOP
        CONTINUE WHEN scope IS NULL;
        SELECT a.atttypid::regtype INTO column_type FROM pg_attribute a
        WHERE a.attrelid = tbl AND a.attname = scope AND a.attnum > 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_column',
                MESSAGE = format('column %I of table %s does not exist', scope, tbl);
        END IF;
        IF column_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
                MESSAGE = format('column %I of table %s is of type %s', scope, tbl, column_type),
                DETAIL = 'Account and list columns must be smallint, integer or bigint.';
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                   WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
                     AND (a.atttypid = 'listguard.email'::regtype OR
                          (t.typtype = 'd' AND t.typbasetype = 'listguard.email'::regtype))) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_table_definition',
            MESSAGE = format('table %s has no listguard.email column', tbl),
            DETAIL = 'protect() stamps and polices listguard.email values; this table has none.';
    END IF;

    -- Protecting again replaces the previous protection but keeps the
    -- row-security state the table had before it was first protected.
    SELECT p.rls_was_enabled, p.rls_was_forced INTO was_enabled, was_forced
    FROM listguard.protected_tables p WHERE p.relid = tbl
    UNION ALL SELECT was_enabled, was_forced LIMIT 1;
    PERFORM listguard._drop_protection(tbl);

    scope := format('%I, %s', account_column, coalesce(quote_ident(list_column), '0'));
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', tbl);
    -- One permissive policy lets rows through; the restrictive ones decide.
    -- Other permissive policies cannot widen access; restrictive ones can
    -- narrow it further.
    EXECUTE format('CREATE POLICY listguard_base ON %s AS PERMISSIVE FOR ALL USING (true) WITH CHECK (true)', tbl);
    EXECUTE format('CREATE POLICY listguard_read ON %s AS RESTRICTIVE FOR SELECT USING (listguard.can_read(%s))',
                   tbl, scope);
    EXECUTE format('CREATE POLICY listguard_insert ON %s AS RESTRICTIVE FOR INSERT WITH CHECK (listguard.can_write(%s))',
                   tbl, scope);
    EXECUTE format('CREATE POLICY listguard_update ON %s AS RESTRICTIVE FOR UPDATE USING (listguard.can_write(%s)) '
                   'WITH CHECK (listguard.can_write(%s))', tbl, scope, scope);
    EXECUTE format('CREATE POLICY listguard_delete ON %s AS RESTRICTIVE FOR DELETE USING (listguard.can_write(%s))',
                   tbl, scope);
    EXECUTE format('CREATE TRIGGER listguard_stamp BEFORE INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW '
                   'EXECUTE FUNCTION listguard.stamp_trigger(%L, %L, %L)', tbl, account_column,
                   coalesce(list_column, ''), audit);
    IF audit = 'statement' THEN
        EXECUTE format('CREATE TRIGGER listguard_audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH STATEMENT '
                       'EXECUTE FUNCTION listguard.audit_statement_trigger()', tbl);
    END IF;
    IF audit <> 'off' THEN
        EXECUTE format('CREATE TRIGGER listguard_audit_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT '
                       'EXECUTE FUNCTION listguard.audit_statement_trigger()', tbl);
    END IF;
    INSERT INTO listguard.protected_tables (relid, account_column, list_column, audit, rls_was_enabled,
                                            rls_was_forced, protected_by)
    VALUES (tbl, account_column, list_column, audit, was_enabled, was_forced, listguard.calling_role());
END
$$;

CREATE FUNCTION _drop_protection(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET client_min_messages = warning AS $$
DECLARE
    policy text;
BEGIN
    FOREACH policy IN ARRAY ARRAY['listguard_base', 'listguard_read', 'listguard_insert', 'listguard_update',
                                  'listguard_delete'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', policy, tbl);
    END LOOP;
    EXECUTE format('DROP TRIGGER IF EXISTS listguard_stamp ON %s', tbl);
    EXECUTE format('DROP TRIGGER IF EXISTS listguard_audit ON %s', tbl);
    EXECUTE format('DROP TRIGGER IF EXISTS listguard_audit_truncate ON %s', tbl);
    DELETE FROM listguard.protected_tables WHERE relid = tbl;
END
$$;

CREATE FUNCTION _unprotect(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    was_enabled boolean;
    was_forced boolean;
BEGIN
    SELECT p.rls_was_enabled, p.rls_was_forced INTO was_enabled, was_forced
    FROM listguard.protected_tables p WHERE p.relid = tbl;
    IF NOT FOUND THEN
        RETURN; -- not protected: nothing to do
    END IF;
    PERFORM listguard._drop_protection(tbl);
    EXECUTE format('ALTER TABLE %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY', tbl,
                   CASE WHEN was_enabled THEN 'ENABLE' ELSE 'DISABLE' END,
                   CASE WHEN was_forced THEN 'FORCE' ELSE 'NO FORCE' END);
END
$$;

REVOKE ALL ON FUNCTION _invalid(text, text, text), _grant_access(regrole, bigint, bigint, text, boolean, text,
    timestamptz, cidr[], text, text), _revoke_access(bigint), _explain_access(regrole),
    _protect(regclass, name, name, text), _drop_protection(regclass), _unprotect(regclass) FROM PUBLIC;

-- A dropped table is no longer protected (and its OID may be reused).
CREATE FUNCTION _forget_dropped_tables() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM listguard.protected_tables p
    USING pg_catalog.pg_event_trigger_dropped_objects() d
    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 AND p.relid = d.objid;
END
$$;
REVOKE ALL ON FUNCTION _forget_dropped_tables() FROM PUBLIC;
CREATE EVENT TRIGGER listguard_forget_dropped_tables ON sql_drop
    EXECUTE FUNCTION _forget_dropped_tables();

-- ---------------------------------------------------------------------------
-- Export quotas.
-- ---------------------------------------------------------------------------

CREATE FUNCTION _quota_state(OUT grant_id bigint, OUT window_start timestamptz, OUT used bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'lg_quota_state' LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION current_role_is_admin() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_current_role_is_admin' LANGUAGE C STABLE PARALLEL SAFE;

-- Every quota the caller may see (admins: all) and where it stands. "used"
-- counts what backends have reserved and not yet given back too.
CREATE VIEW quota_usage WITH (security_barrier) AS
SELECT g.id AS grant_id, g.grantee AS role, g.account, g.list, g.quota, g.on_exceed,
       coalesce(s.used, 0) AS used,
       greatest(g.quota_limit - coalesce(s.used, 0), 0) AS remaining,
       s.window_start + make_interval(secs => g.quota_window) AS window_resets_at
FROM listguard.grants g
LEFT JOIN listguard._quota_state() s
       ON s.grant_id = g.id AND s.window_start + make_interval(secs => g.quota_window) > now()
WHERE g.quota IS NOT NULL
  AND (listguard.current_role_is_admin() OR listguard.role_receives_grants_of(current_user::regrole, g.grantee));
GRANT SELECT ON quota_usage TO PUBLIC;

-- ---------------------------------------------------------------------------
-- The audit trail.
-- ---------------------------------------------------------------------------

-- Appended to by the audit writer only; each event linked to the previous
-- one by an HMAC chain (prev_link, link). Nobody may change it through SQL:
-- privileges stop everyone but superusers, whose changes are recorded.
CREATE TABLE audit_log (
    id                bigint PRIMARY KEY,
    logged_at         timestamptz NOT NULL,
    kind              text NOT NULL,
    session_user_name text NOT NULL,
    current_user_name text NOT NULL,
    client_addr       inet,
    application_name  text,
    backend_pid       integer NOT NULL,
    xid               bigint,
    account           bigint,
    list              bigint,
    relation          text,
    email_digests     bytea[],
    counts            jsonb,
    detail            jsonb NOT NULL,
    prev_link         bytea NOT NULL,
    link              bytea NOT NULL
);
REVOKE ALL ON audit_log FROM PUBLIC;
GRANT SELECT ON audit_log TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_log', '');
CREATE INDEX audit_log_email_digests ON audit_log USING gin (email_digests) WHERE email_digests IS NOT NULL;

CREATE FUNCTION audit_log_modified() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_log_modified' LANGUAGE C;
CREATE TRIGGER audit_log_modified BEFORE INSERT OR UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_modified();
CREATE TRIGGER audit_log_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_modified();
CREATE TRIGGER audit_log_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();

CREATE FUNCTION verify_audit() RETURNS TABLE (ok boolean, checked bigint, first_broken bigint, problem text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _verify_audit() RETURNS TABLE (ok boolean, checked bigint, first_broken bigint, problem text)
    AS 'MODULE_PATHNAME', 'lg_verify_audit' LANGUAGE C VOLATILE;

CREATE FUNCTION audit_for(address text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
CREATE FUNCTION _email_digest(address text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lg_email_digest' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION _audit_for(address text) RETURNS SETOF audit_log
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM listguard.audit_log
    WHERE email_digests IS NOT NULL AND email_digests @> ARRAY[listguard._email_digest(address)]
    ORDER BY id
$$;

REVOKE ALL ON FUNCTION _verify_audit(), _email_digest(text), _audit_for(text) FROM PUBLIC;

-- Events not yet in the audit log: queued, or being written.
CREATE FUNCTION audit_pending() RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_audit_pending' LANGUAGE C VOLATILE;
