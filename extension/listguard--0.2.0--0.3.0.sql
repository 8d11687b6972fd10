-- Assembled by scripts/assemble-sql from src/sql/upgrades/listguard--0.2.0--0.3.0.sql
-- and the files it includes: change those (CONTRIBUTING.md), not this file.
-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
-- Rows of audit_heads come from the appenders of the audit log; a row any
-- other session inserts (a restore, as a superuser) is a head that came in
-- with a dump, and is marked so. Every other change by a superuser is
-- recorded; other roles are refused.
CREATE FUNCTION audit_heads_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_heads_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION audit_heads_guard() FROM PUBLIC;
-- The audit chain's head as its appender last left it (the last event's id
-- and link, and when), sealed with the audit key: pg_dump writes it into
-- every dump, so a restored database proves it holds the source's whole
-- history up to the dump (verify_audit()). This database's own head has no
-- restored_at; a head that came in with a restore has one, and is sealed
-- again by the restoring server with when and how it came: as the dump's
-- own head, or nested (one the dump's source had itself restored, which
-- proves only the older history it covers).
CREATE TABLE audit_heads (
    source      text NOT NULL,         -- cluster system identifier and database OID of the chain
    last_id     bigint NOT NULL,
    last_link   bytea NOT NULL,
    as_of       timestamptz NOT NULL,
    seal        bytea NOT NULL,
    restored_at timestamptz,
    nested      boolean                -- restored: it came in a restored history of the dump's source
);
CREATE UNIQUE INDEX audit_heads_own ON audit_heads (source) WHERE restored_at IS NULL;
REVOKE ALL ON audit_heads FROM PUBLIC;
GRANT SELECT ON audit_heads TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_heads', '');
CREATE TRIGGER audit_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_heads_guard();
CREATE TRIGGER audit_heads_truncated BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_heads_guard();
-- An administrator's word that the audit history a restore brought without
-- its head record (a dump of listguard 0.2, say) is accepted as it is:
-- recorded in the chain, after which verify_audit() no longer reports it.
-- Returns the last restored event it covers.
CREATE FUNCTION accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_accept_restored_history' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _accept_restored_history(text) FROM PUBLIC;

-- Lookups that compare an address's text use the type's equality instead
-- (no reveal, no quota, the index); the cast to text is volatile, so that
-- a sort or a limit runs before it.
-- What a lookup that compares an address's text becomes at planning
-- (email::text = x, upper(email::text) = upper(x): pg/output/lookups.cpp):
-- x as a value of the type, or null if it is no address (then nothing
-- matches, as nothing matched the text). Public: it is the type's input,
-- without the error.
CREATE FUNCTION _address_or_null(address text) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_address_or_null' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- Volatile: what it returns depends on the role, its grants, its quota and
-- the clock, and a clear value is charged when it is made. So the planner
-- makes it after a sort or a limit, for the rows that are returned only.
CREATE OR REPLACE FUNCTION text(email) RETURNS text
    AS 'MODULE_PATHNAME', 'email_to_text' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
-- What would run around a table, or could be changed or dropped, by someone
-- who is not an admin: the reasons protect() refuses a table, one row each.
-- Code that runs as the reading or writing role (triggers, rules, policies,
-- check constraints, defaults, generated columns, index expressions, domain
-- checks, and what that code calls) must belong to a superuser or an admin,
-- in a schema of one, with its search_path pinned: its owner could replace
-- it with code that copies every address the role can see. So must the
-- types, collations, operator classes and sequences it uses (dropping one
-- with CASCADE would take part of the table), and the tables at the other
-- end of its foreign keys (which bypass row security).
CREATE OR REPLACE FUNCTION _untrusted_code(tbl regclass) RETURNS TABLE (object text, problem text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE
    -- Every type a column's value is made of: domains and their base types,
    -- array elements, composite attributes, range subtypes.
    types(typ) AS (
        SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
        UNION
        SELECT inner_type FROM types x JOIN pg_type t ON t.oid = x.typ
        CROSS JOIN LATERAL (
            SELECT t.typbasetype WHERE t.typtype = 'd'
            UNION ALL SELECT t.typelem WHERE t.typelem <> 0 AND t.typsubscript <> 0
            UNION ALL SELECT a.atttypid FROM pg_attribute a
                      WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
            UNION ALL SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid
        ) step(inner_type)
    ),
    -- What belongs to the table, and the constraints of the domains it uses.
    objects(classid, objid) AS (
        SELECT 'pg_class'::regclass::oid, tbl::oid
        UNION ALL SELECT 'pg_trigger'::regclass, t.oid FROM pg_trigger t WHERE t.tgrelid = tbl
        UNION ALL SELECT 'pg_policy'::regclass, p.oid FROM pg_policy p WHERE p.polrelid = tbl
        UNION ALL SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c WHERE c.conrelid = tbl
        UNION ALL SELECT 'pg_attrdef'::regclass, d.oid FROM pg_attrdef d WHERE d.adrelid = tbl
        UNION ALL SELECT 'pg_class'::regclass, i.indexrelid FROM pg_index i WHERE i.indrelid = tbl
        UNION ALL SELECT 'pg_statistic_ext'::regclass, s.oid FROM pg_statistic_ext s WHERE s.stxrelid = tbl
        UNION ALL SELECT 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r WHERE r.ev_class = tbl
        UNION ALL SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c JOIN types x ON c.contypid = x.typ
    ),
    -- What those objects use, and who could change or drop it (dropping it
    -- with CASCADE would take part of the table with it). A sequence the
    -- table owns goes to listguard_owner with the table.
    uses AS (
        SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid,
               CASE d.refclassid
                   WHEN 'pg_proc'::regclass THEN (SELECT p.proowner FROM pg_proc p WHERE p.oid = d.refobjid)
                   WHEN 'pg_operator'::regclass THEN (SELECT o.oprowner FROM pg_operator o WHERE o.oid = d.refobjid)
                   WHEN 'pg_type'::regclass THEN (SELECT t.typowner FROM pg_type t WHERE t.oid = d.refobjid)
                   WHEN 'pg_collation'::regclass THEN (SELECT c.collowner FROM pg_collation c WHERE c.oid = d.refobjid)
                   WHEN 'pg_opclass'::regclass THEN (SELECT c.opcowner FROM pg_opclass c WHERE c.oid = d.refobjid)
                   WHEN 'pg_opfamily'::regclass THEN (SELECT f.opfowner FROM pg_opfamily f WHERE f.oid = d.refobjid)
                   WHEN 'pg_ts_config'::regclass THEN (SELECT c.cfgowner FROM pg_ts_config c WHERE c.oid = d.refobjid)
                   WHEN 'pg_ts_dict'::regclass THEN (SELECT c.dictowner FROM pg_ts_dict c WHERE c.oid = d.refobjid)
                   WHEN 'pg_class'::regclass THEN
                       (SELECT c.relowner FROM pg_class c WHERE c.oid = d.refobjid
                          AND NOT EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass
                                            AND o.objid = c.oid AND o.refobjid = tbl AND o.deptype IN ('a', 'i')))
               END AS owner
        FROM pg_depend d JOIN objects o ON d.classid = o.classid AND d.objid = o.objid
        WHERE d.deptype = 'n' AND d.refobjid <> tbl
        UNION ALL
        -- The types a value is made of, at any depth.
        SELECT 'pg_class'::regclass, tbl, 0, 'pg_type'::regclass, t.oid, t.typowner
        FROM types x JOIN pg_type t ON t.oid = x.typ
    ),
    -- Functions the table's code calls, and those they name in their bodies
    -- (SQL and PL/pgSQL bodies record no dependencies), at any depth.
    functions(fn) AS (
        SELECT u.refobjid FROM uses u WHERE u.refclassid = 'pg_proc'::regclass
        UNION
        SELECT o.oprcode FROM uses u JOIN pg_operator o ON o.oid = u.refobjid WHERE u.refclassid = 'pg_operator'::regclass
        UNION
        SELECT callee.oid FROM functions f
        JOIN pg_proc caller ON caller.oid = f.fn
        JOIN pg_language l ON l.oid = caller.prolang AND l.lanname IN ('sql', 'plpgsql')
        JOIN pg_proc callee ON callee.pronamespace <> 'pg_catalog'::regnamespace
                           AND caller.prosrc ~* ('\m' || regexp_replace(callee.proname, '([^[:alnum:]_])', '\\\1', 'g') || '\M')
    )
    SELECT pg_describe_object(u.classid, u.objid, u.objsubid),
           format('it uses %s, owned by %s, who is not a superuser or listguard administrator',
                  pg_describe_object(u.refclassid, u.refobjid, 0), u.owner::regrole)
    FROM uses u
    WHERE u.owner IS NOT NULL AND NOT listguard._is_trusted_owner(u.owner)
    UNION
    SELECT format('%s (called by code that runs around %s)', f.fn::regprocedure, tbl),
           CASE WHEN NOT listguard._is_trusted_owner(p.proowner)
                THEN format('it is owned by %s, who is not a superuser or listguard administrator', p.proowner::regrole)
                WHEN NOT listguard._is_trusted_owner(n.nspowner)
                THEN format('its schema %I is owned by %s, who could replace it', n.nspname, n.nspowner::regrole)
                ELSE 'it does not pin its search_path (ALTER FUNCTION ... SET search_path): names it calls would resolve in the search_path of whoever writes'
           END
    FROM functions f JOIN pg_proc p ON p.oid = f.fn JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'listguard'::regnamespace)
      AND NOT (NOT listguard._is_trusted_owner(p.proowner)   -- already named where it is used
               AND f.fn IN (SELECT u.refobjid FROM uses u WHERE u.refclassid = 'pg_proc'::regclass))
      AND (NOT listguard._is_trusted_owner(p.proowner) OR NOT listguard._is_trusted_owner(n.nspowner)
           OR (l.lanname NOT IN ('c', 'internal')
               AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')))
    UNION
    -- A foreign key checks and changes rows without row security: a table
    -- at its other end must be an administrator's too.
    SELECT pg_describe_object('pg_constraint'::regclass, c.oid, 0),
           format('%s at its other end is owned by %s, who could learn which rows exist in every account, or delete them',
                  other.oid::regclass, other.relowner::regrole)
    FROM pg_constraint c
    JOIN pg_class other ON other.oid = CASE WHEN c.conrelid = tbl THEN c.confrelid ELSE c.conrelid END
    WHERE c.contype = 'f' AND (c.conrelid = tbl OR c.confrelid = tbl) AND other.oid <> tbl
      AND NOT listguard._is_trusted_owner(other.relowner)
    UNION
    -- Expressions attached to the table were written by whoever owned it,
    -- and run in every reader's and writer's statement (and as the
    -- administrator who protects it, when its rows are stamped): they may
    -- call only functions without side effects. A default sees no row and
    -- may also draw numbers (sequences, random values).
    SELECT e.what,
           CASE WHEN p.provolatile = 'v'
                THEN format('it calls %s, which is volatile: code on a protected table may only call functions that '
                            'cannot send anything anywhere (immutable or stable)', p.oid::regprocedure)
                ELSE format('it calls %s, which runs a query of its own', p.oid::regprocedure) END
    FROM (
        SELECT pg_describe_object('pg_constraint'::regclass, c.oid, 0) AS what, c.conbin::text AS tree, false AS is_default
        FROM pg_constraint c WHERE c.conrelid = tbl AND c.conbin IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_attrdef'::regclass, ad.oid, 0), ad.adbin::text, a.attgenerated = ''
        FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum WHERE ad.adrelid = tbl
        UNION ALL
        SELECT pg_describe_object('pg_class'::regclass, i.indexrelid, 0),
               coalesce(i.indexprs::text, '') || coalesce(i.indpred::text, ''), false
        FROM pg_index i WHERE i.indrelid = tbl
        UNION ALL
        SELECT pg_describe_object('pg_policy'::regclass, pol.oid, 0),
               coalesce(pol.polqual::text, '') || coalesce(pol.polwithcheck::text, ''), false
        FROM pg_policy pol WHERE pol.polrelid = tbl
        UNION ALL
        SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0), t.tgqual::text, false
        FROM pg_trigger t WHERE t.tgrelid = tbl AND t.tgqual IS NOT NULL
        UNION ALL
        SELECT pg_describe_object('pg_statistic_ext'::regclass, st.oid, 0), st.stxexprs::text, false
        FROM pg_statistic_ext st WHERE st.stxrelid = tbl AND st.stxexprs IS NOT NULL
    ) e
    CROSS JOIN LATERAL (
        SELECT m[1]::oid AS fn FROM regexp_matches(e.tree, ':(?:funcid|opfuncid|aggfnoid|winfnoid) ([0-9]+)', 'g') m
        UNION
        SELECT o.oprcode::oid FROM regexp_matches(e.tree, ':opno ([0-9]+)', 'g') m JOIN pg_operator o ON o.oid = m[1]::oid
    ) called
    JOIN pg_proc p ON p.oid = called.fn
    -- (listguard's own cast to text is volatile because it charges the
    -- clear values it makes, so that the planner makes them late: it sends
    -- nothing anywhere.)
    WHERE ((p.provolatile = 'v' AND p.oid <> 'listguard.text(listguard.email)'::regprocedure)
           -- built-ins marked stable that run a query given as text, or
           -- every view of a schema or database
           OR (p.pronamespace = 'pg_catalog'::regnamespace
               AND (p.proname ~ '^(query|cursor|table|schema|database)_to_xml' OR p.proname IN ('ts_stat', 'ts_rewrite'))))
      AND listguard._is_trusted_owner(p.proowner) -- the others are named above
      AND NOT (e.is_default AND (p.oid IN ('pg_catalog.nextval(regclass)'::regprocedure, 'pg_catalog.random()'::regprocedure,
                                           'pg_catalog.gen_random_uuid()'::regprocedure,
                                           'pg_catalog.clock_timestamp()'::regprocedure)
                                 OR (p.pronamespace <> 'pg_catalog'::regnamespace
                                     AND listguard._is_trusted_owner(p.proowner))))
    UNION
    -- A trigger runs its function with the row in hand: only functions an
    -- administrator wrote. Built-in trigger functions other than
    -- suppress_redundant_updates_trigger copy values elsewhere, and an
    -- extension's are vetted by whoever installed the extension.
    SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0),
           CASE WHEN x.oid IS NOT NULL
                THEN format('its function %s belongs to extension %I, installed by %s, who is not a superuser or '
                            'listguard administrator', t.tgfoid::regprocedure, x.extname, x.extowner::regrole)
                ELSE format('its function %s is built in and copies or sends row values', t.tgfoid::regprocedure)
           END
    FROM pg_trigger t
    LEFT JOIN pg_depend xd ON xd.classid = 'pg_proc'::regclass AND xd.objid = t.tgfoid AND xd.deptype = 'e'
    LEFT JOIN pg_extension x ON x.oid = xd.refobjid AND xd.refclassid = 'pg_extension'::regclass
    WHERE t.tgrelid = tbl AND NOT t.tgisinternal
      AND ((x.oid IS NOT NULL AND x.extname <> 'listguard' AND NOT listguard._is_trusted_owner(x.extowner))
           OR (t.tgfoid < 16384 AND t.tgfoid <> 'pg_catalog.suppress_redundant_updates_trigger()'::regprocedure))
    UNION
    SELECT format('rule %I on %s', r.rulename, tbl),
           'rules run with the table owner''s rights in the statements of the reading and writing roles'
    FROM pg_rewrite r WHERE r.ev_class = tbl
    UNION
    SELECT format('generated column %I of %s', a.attname, tbl),
           'it is computed from an email column: it would store what the writing role sees of the address'
    FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attgenerated <> '' AND NOT a.attisdropped
      AND EXISTS (SELECT 1 FROM pg_attrdef ad
                  JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                  JOIN pg_attribute e ON e.attrelid = tbl AND e.attnum = d.refobjsubid
                  JOIN pg_type et ON et.oid = e.atttypid
                  WHERE ad.adrelid = tbl AND ad.adnum = a.attnum
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid = tbl
                    AND (e.atttypid = 'listguard.email'::regtype OR et.typbasetype = 'listguard.email'::regtype))
$$;
REVOKE ALL ON FUNCTION _untrusted_code(regclass) FROM PUBLIC;

-- A grant is refused while its grantee (or a member) holds a stored
-- setting that decides what its sessions run (ALTER ROLE ... SET
-- search_path, say), which a CREATEROLE role may have put there.
-- Refuses (42501) a grantee that holds, or has a member that holds, a
-- setting stored by ALTER ROLE ... SET that decides what its sessions run
-- (search_path, row_security, role, session_authorization): stored while no
-- listguard power guarded the role, perhaps by a CREATEROLE role.
CREATE FUNCTION _check_role_settings(grantee regrole) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_check_role_settings' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _check_role_settings(regrole) FROM PUBLIC;
-- Checks a grant and, unless check_only, makes it (granted_by: who made it;
-- request_id: the access request whose approval made it).
CREATE OR REPLACE FUNCTION _make_grant(
    grantee regrole, account bigint, list bigint, reveal text, can_write boolean, quota text,
    valid_until timestamptz, from_networks cidr[], reason text, on_exceed text,
    granted_by regrole, request_id bigint, check_only boolean, sends boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    q_limit bigint;
    q_window bigint;
    new_id bigint;
    untrusted text;
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
    IF sends IS NULL THEN
        PERFORM listguard._invalid('sends must not be null', 'Say true for the role that sends campaigns (it sees '
                                   'every canary of its lists), false for any other.');
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
    -- Whoever already belongs to the grantee receives the grant too: a
    -- membership a non-administrator (a CREATEROLE role) arranged before the
    -- grant existed must not carry it.
    SELECT string_agg(format('%s belongs to %s by grant of %s', m.member, m.via, m.grantor), E'\n' ORDER BY m.member::text)
    INTO untrusted FROM listguard._untrusted_members(grantee) m;
    IF untrusted IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s has members that no administrator let in', grantee),
            DETAIL = untrusted,
            HINT = 'An administrator can revoke and grant these memberships again (they would receive the grant), '
                   'or grant to another role.';
    END IF;
    -- So do the settings stored for it or its members (ALTER ROLE ... SET
    -- search_path, say), which decide what their sessions run.
    PERFORM listguard._check_role_settings(grantee);
    IF check_only THEN
        RETURN NULL;
    END IF;
    -- Every database must know that this role now carries listguard power.
    PERFORM listguard._mark_grantee(grantee);
    INSERT INTO listguard.grants (grantee, account, list, reveal, can_write, quota, quota_limit, quota_window,
                                  on_exceed, valid_until, from_networks, reason, granted_by, request_id, sends)
    VALUES (grantee, account, list, reveal, can_write, quota, q_limit, q_window,
            on_exceed, valid_until, from_networks, reason, granted_by, request_id, sends)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION _make_grant(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, regrole, bigint, boolean, boolean) FROM PUBLIC;

-- An access request's duration is a length of time (a month 30 days, a day
-- 24 hours), whatever the calendar or the requester's time zone.
CREATE OR REPLACE FUNCTION _request_access(account bigint, list bigint, reveal text, duration interval, reason text)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    requester regrole := listguard.calling_role();
    request bigint;
BEGIN
    IF reason IS NULL OR btrim(reason) = '' THEN
        PERFORM listguard._invalid('an access request needs a reason',
            'Approvers decide from it: say what the access is for (a ticket, an incident).');
    END IF;
    IF duration IS NULL OR duration <= interval '0' THEN
        PERFORM listguard._invalid('the duration of an access request must be positive', 'It is how long the grant lasts.');
    END IF;
    -- A length of time, whatever the calendar or the session's time zone:
    -- a month is the 30 days and a day the 24 hours that the comparison
    -- below counts, so the grant, now() + duration, lasts exactly that
    -- (a calendar month can have 31 days, a day with a clock change 25 hours).
    duration := make_interval(secs => extract(epoch FROM duration));
    IF duration > current_setting('listguard.max_request_duration')::interval THEN
        PERFORM listguard._invalid(format('an access request may last at most %s', current_setting('listguard.max_request_duration')),
            format('It asks for %s (listguard.max_request_duration).', duration));
    END IF;
    -- The same checks a grant gets, now rather than at approval.
    PERFORM listguard._make_grant(requester, account, list, reveal, false, current_setting('listguard.request_quota'),
                                  NULL, NULL, reason, 'error', requester, NULL, true);
    INSERT INTO listguard.requests (requester, grantee, kind, account, list, reveal, quota, duration, reason, expires_at)
    VALUES (requester, requester, 'access', account, list, reveal, current_setting('listguard.request_quota'),
            duration, reason, now() + current_setting('listguard.request_ttl')::interval)
    RETURNING id INTO request;
    PERFORM listguard._request_opened(request);
    PERFORM listguard._expire_requests();
    RETURN request;
END
$$;
REVOKE ALL ON FUNCTION _request_access(bigint, bigint, text, interval, text) FROM PUBLIC;
