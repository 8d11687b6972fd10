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
-- restored_at; a head that came in with a restore has one.
CREATE TABLE audit_heads (
    source      text NOT NULL,         -- cluster system identifier and database OID of the chain
    last_id     bigint NOT NULL,
    last_link   bytea NOT NULL,
    as_of       timestamptz NOT NULL,
    seal        bytea NOT NULL,
    restored_at timestamptz
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

-- Leak attribution (issue 27). Canaries get a slot, a number among those of
-- their account, by which the sealed record of every clear_reveal event
-- notes each canary read (however many), and the keyed digests of their
-- loose form and domain, which trace_leak() and report_canary_hit() match
-- without opening an address. Reveal summaries (what each role read in
-- clear, per day) are kept from now on.
-- The keyed digest of a stored value's domain (canaries.domain_digest).
CREATE FUNCTION _domain_digest_of(email) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lg_domain_digest_of' LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _domain_digest_of(email) FROM PUBLIC;
ALTER TABLE canaries ADD COLUMN slot integer, ADD COLUMN loose_digest bytea, ADD COLUMN domain_digest bytea;
UPDATE canaries c SET loose_digest = _loose_digest_of(c.address), domain_digest = _domain_digest_of(c.address);
UPDATE canaries c SET slot = s.n
FROM (SELECT k.id, (row_number() OVER (PARTITION BY k.account ORDER BY k.planted_at, k.id) - 1)::integer AS n
      FROM canaries k WHERE k.role IS NOT NULL) s
WHERE s.id = c.id;
CREATE UNIQUE INDEX canaries_slot ON canaries (account, slot) WHERE slot IS NOT NULL;
CREATE INDEX canaries_loose_digest ON canaries (loose_digest);
-- Per role and day (UTC), which addresses the role read in clear, as
-- parts of a Bloom filter over keyed digests (core/canary/reveal_summary.h):
-- never an address, and nothing that tells a canary from another row. The
-- audit writer folds the backends' spool files into it; trace_leak(),
-- trace() and report_canary_hit() read it. A role is recorded under itself
-- and, when another role's session read as it, under that session's login
-- too. Readable by admins only.
CREATE TABLE reveal_summaries (
    role  regrole NOT NULL,
    day   date NOT NULL,
    part  smallint NOT NULL,
    items integer NOT NULL,
    bits  bytea NOT NULL,
    PRIMARY KEY (role, day, part)
);
REVOKE ALL ON reveal_summaries FROM PUBLIC;
GRANT SELECT ON reveal_summaries TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.reveal_summaries', '');
-- Since when the reveal summaries are kept in this database (installing or
-- updating to 0.3.0): trace_leak() takes a role's summaries for complete only
-- for a period they cover. Readable by admins only.
CREATE TABLE reveal_summaries_since (
    since timestamptz NOT NULL
);
REVOKE ALL ON reveal_summaries_since FROM PUBLIC;
GRANT SELECT ON reveal_summaries_since TO listguard_admin;
INSERT INTO reveal_summaries_since VALUES (now());
SELECT pg_catalog.pg_extension_config_dump('listguard.reveal_summaries_since', '');
-- Records of listguard 0.2 are still opened (by id), by the new function.
DROP FUNCTION _canary_reveal_count(text, bigint);
-- Whether a clear_reveal event's sealed record notes a canary: by its slot
-- when the event is in the canary's own account, else by its id.
CREATE FUNCTION _canary_in_record(record text, canary_id bigint, slot integer, own_account boolean) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_canary_in_record' LANGUAGE C STABLE;
REVOKE ALL ON FUNCTION _canary_in_record(text, bigint, integer, boolean) FROM PUBLIC;
-- Which of the roles read the address with this loose digest in clear from
-- day `since` on, and on which days first and last (the reveal summaries).
CREATE FUNCTION _revealed_by(loose_digest bytea, roles regrole[], since date)
    RETURNS TABLE (role regrole, first_day date, last_day date)
    AS 'MODULE_PATHNAME', 'lg_revealed_by' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _revealed_by(bytea, regrole[], date) FROM PUBLIC;
-- The slot of the next canary planted in an account: the lowest number no
-- canary of the account has. The sealed record of every clear_reveal event
-- has one bit per slot of the fullest account (core/canary/reveal_record.h),
-- up to 6144 in an account, removed canaries included (their old reveals are
-- still traced by their slots). Planting waits for another planting in the
-- same account to end.
CREATE FUNCTION _next_canary_slot(account bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    slot integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('listguard canary slots'), hashint8(account));
    SELECT coalesce(min(s.n), 0) INTO slot
    FROM (SELECT 0 AS n WHERE NOT EXISTS (SELECT 1 FROM listguard.canaries c
                                          WHERE c.account = _next_canary_slot.account AND c.slot = 0)
          UNION ALL
          SELECT c.slot + 1 FROM listguard.canaries c
          WHERE c.account = _next_canary_slot.account AND c.slot IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM listguard.canaries d
                            WHERE d.account = _next_canary_slot.account AND d.slot = c.slot + 1)) s;
    IF slot >= 6144 THEN
        RAISE EXCEPTION USING ERRCODE = 'program_limit_exceeded',
            MESSAGE = format('account %s has 6144 canaries, the most one account can hold', account),
            DETAIL = 'Each canary of an account, removed ones included, has a slot in the sealed records of '
                     'clear_reveal events.';
    END IF;
    RETURN slot;
END
$$;
REVOKE ALL ON FUNCTION _next_canary_slot(bigint) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _add_canary_addresses(addresses text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    added integer;
BEGIN
    IF addresses IS NULL OR cardinality(addresses) = 0 THEN
        PERFORM listguard._invalid('no canary addresses given', 'add_canary_addresses() needs an array of addresses.');
    END IF;
    IF array_position(addresses, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('canary addresses must not be null', 'The array holds a null.');
    END IF;
    -- Input seals each address (an invalid one fails with 22P02, never
    -- echoed; one that fills its size bucket, with no room for the canary
    -- mark, with 22023); one already known, in any spelling, is skipped.
    PERFORM listguard._as_canary(listguard.email(x)) FROM unnest(addresses) x;
    WITH given AS (
        SELECT DISTINCT ON (listguard._value_digest(a.e)) a.e
        FROM (SELECT listguard.email(x) AS e FROM unnest(addresses) x) a
    )
    INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
    SELECT g.e, 'added', listguard.calling_role(), listguard._loose_digest_of(g.e), listguard._domain_digest_of(g.e)
    FROM given g
    ON CONFLICT (address) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    PERFORM listguard._record_canary_event('add', NULL, NULL, NULL,
        jsonb_build_object('given', cardinality(addresses), 'added', added), NULL);
    RETURN added;
END
$$;
REVOKE ALL ON FUNCTION _add_canary_addresses(text[]) FROM PUBLIC;
-- A canary address for one list: from the pool if it has one not already
-- on the list, else made at one of listguard.canary_domains in one of the
-- given local-part styles. Returns the id of its canaries row (taken out of
-- the pool), or raises 55000 when there is none to be had.
CREATE OR REPLACE FUNCTION _take_canary_address(tbl regclass, email_column name, scope_filter text, styles text[])
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    candidate listguard.canaries;
    domains text[];
    made text;
    taken bigint;
    on_list boolean;
BEGIN
    FOR candidate IN SELECT * FROM listguard.canaries c WHERE c.role IS NULL AND c.removed_at IS NULL
                     ORDER BY random() FOR UPDATE SKIP LOCKED LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE %s AND t.%I = $1)', tbl, scope_filter, email_column)
            INTO on_list USING candidate.address;
        IF NOT on_list THEN
            RETURN candidate.id;
        END IF;
    END LOOP;
    domains := array_remove(regexp_split_to_array(current_setting('listguard.canary_domains'), '\s*,\s*'), '');
    IF cardinality(domains) > 0 THEN
        IF styles IS NULL OR cardinality(styles) = 0 THEN
            styles := ARRAY['w.w', 'w.w99', 'iw99', 'W'];
        END IF;
        FOR attempt IN 1..20 LOOP
            made := listguard._local_part_in_style(styles[1 + floor(random() * cardinality(styles))::int])
                    || '@' || domains[1 + floor(random() * cardinality(domains))::int];
            -- One that fills its size bucket has no room for the mark.
            BEGIN
                PERFORM listguard._as_canary(listguard.email(made));
            EXCEPTION WHEN invalid_parameter_value THEN
                CONTINUE;
            END;
            INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
            VALUES (listguard.email(made), 'generated', listguard.calling_role(),
                    listguard._loose_digest_of(listguard.email(made)), listguard._domain_digest_of(listguard.email(made)))
            ON CONFLICT (address) DO NOTHING
            RETURNING id INTO taken;
            IF taken IS NOT NULL THEN
                RETURN taken;
            END IF;
        END LOOP;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
        MESSAGE = 'no canary address is left to plant',
        DETAIL = 'Every address added with add_canary_addresses() is planted already, and listguard.canary_domains '
                 'is empty or gave no new address.',
        HINT = 'Add mailboxes with listguard.add_canary_addresses(), or set listguard.canary_domains to domains '
               'whose mail you receive.';
END
$$;
REVOKE ALL ON FUNCTION _take_canary_address(regclass, name, text, text[]) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    email_column name;
    scope_filter text;
    copied text;
    styles text[];
    not_canary text;
    template_tables oid[];
    template_rows tid[];
    template_count integer;
    target regrole;
    canary_id bigint;
    stamped listguard.email;
    planted integer := 0;
    inserted boolean;
    next_template integer := 0;
BEGIN
    IF tbl IS NULL OR account IS NULL THEN
        PERFORM listguard._invalid('table and account must not be null', 'plant_canaries() plants into one list of one table.');
    END IF;
    IF account <= 0 OR list <= 0 THEN
        PERFORM listguard._invalid('invalid account or list id', 'Account and list ids are positive numbers.');
    END IF;
    IF per_role IS NULL OR per_role < 1 OR per_role > 100 THEN
        PERFORM listguard._invalid(format('invalid per_role %s', coalesce(per_role::text, 'null')),
            'Each role gets between 1 and 100 canaries in a list.');
    END IF;
    SELECT * INTO p FROM listguard.protected_tables q WHERE q.relid = tbl;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('table %s is not protected', tbl),
            HINT = 'Canaries are hidden by listguard''s row policies: protect the table first.';
    END IF;
    IF (p.list_column IS NULL) <> (list IS NULL) THEN
        PERFORM listguard._invalid(CASE WHEN list IS NULL THEN format('table %s has lists: say which one', tbl)
                                        ELSE format('table %s has no list column', tbl) END,
            'plant_canaries() plants into one list (or, in a table without lists, one account).');
    END IF;
    email_column := listguard._canary_column(tbl);
    IF email_column IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
            MESSAGE = format('table %s has no listguard.email column', tbl);
    END IF;
    IF roles IS NOT NULL AND array_position(roles, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('roles must not hold a null', 'Name each role, or pass NULL for every clear reader.');
    END IF;
    -- By default: every role with a clear grant on the list.
    roles := coalesce(roles, ARRAY(
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.reveal = 'clear' AND (g.account IS NULL OR g.account = _plant_canaries.account)
          AND (g.list IS NULL OR g.list = _plant_canaries.list) AND (g.valid_until IS NULL OR g.valid_until > now())
        ORDER BY 1));
    IF cardinality(roles) = 0 THEN
        RAISE NOTICE 'listguard: no role reads this list in clear; no canary planted';
        RETURN 0;
    END IF;

    scope_filter := format('t.%I = %s', p.account_column, account)
                    || CASE WHEN list IS NULL THEN '' ELSE format(' AND t.%I = %s', p.list_column, list) END;
    not_canary := format('NOT EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.address = t.%I)', email_column);
    -- The local-part styles of the list's real addresses.
    EXECUTE format('SELECT array_agg(s) FROM (SELECT listguard._local_part_style(t.%I) s FROM %s t '
                   'WHERE %s AND %s AND t.%I IS NOT NULL ORDER BY random() LIMIT 500) x WHERE s IS NOT NULL',
                   email_column, tbl, scope_filter, not_canary, email_column) INTO styles;
    -- A canary row copies every column of a real row of the list but its
    -- address, and columns that draw their value (serials, identities,
    -- timestamps of insertion) take their defaults.
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO copied
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
      AND a.attname <> email_column
      AND (d.oid IS NULL OR d.adbin::text LIKE '{CONST %' OR a.attname IN (p.account_column, p.list_column));
    EXECUTE format('SELECT array_agg(x.tableoid), array_agg(x.ctid) FROM (SELECT t.tableoid, t.ctid FROM %s t '
                   'WHERE %s AND %s ORDER BY random() LIMIT $1) x', tbl, scope_filter, not_canary)
        INTO template_tables, template_rows USING cardinality(roles) * per_role * 2 + 10;
    template_count := coalesce(cardinality(template_rows), 0);
    IF template_count = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = 'the list has no rows to model canaries on',
            DETAIL = 'A canary row copies the columns of a real row of its list, so that nothing sets it apart.';
    END IF;

    PERFORM listguard._canary_policies(p.root);
    -- The roles' canaries in a random order, not one role's after another's.
    FOR target IN SELECT r FROM unnest(roles) r, generate_series(1, per_role) ORDER BY random() LOOP
        canary_id := listguard._take_canary_address(tbl, email_column, scope_filter, styles);
        -- Stamped for its list and marked as a canary (a mark no role can
        -- make: an address a role types in is never taken for one).
        SELECT listguard._as_canary(listguard._stamped(c.address, _plant_canaries.account,
                                                       coalesce(_plant_canaries.list, 0))) INTO stamped
        FROM listguard.canaries c WHERE c.id = canary_id;
        -- Each canary row in a transaction of its own (a subtransaction),
        -- so its xmin is not shared with the others. A template whose
        -- copy breaks a unique constraint is passed over.
        inserted := false;
        FOR attempt IN 1..5 LOOP
            next_template := next_template % template_count + 1;
            BEGIN
                EXECUTE format('INSERT INTO %1$s (%2$s, %3$I) SELECT %2$s, $1 FROM %1$s t '
                               'WHERE t.tableoid = $2 AND t.ctid = $3', tbl, copied, email_column)
                    USING stamped, template_tables[next_template], template_rows[next_template];
                inserted := true;
            EXCEPTION WHEN unique_violation OR exclusion_violation THEN
                NULL;
            END;
            EXIT WHEN inserted;
        END LOOP;
        IF NOT inserted THEN
            RAISE EXCEPTION USING ERRCODE = 'unique_violation',
                MESSAGE = format('could not plant a canary in %s: copies of its rows break a unique constraint', tbl),
                HINT = 'Give the unique columns a default (a sequence, gen_random_uuid()), so canary rows draw '
                       'their own values.';
        END IF;
        UPDATE listguard.canaries c SET address = stamped, role = target, relid = p.root, column_name = email_column,
            account = _plant_canaries.account, list = _plant_canaries.list,
            planted_by = listguard.calling_role(), planted_at = now(), slot = listguard._next_canary_slot(_plant_canaries.account)
        WHERE c.id = canary_id;
        planted := planted + 1;
    END LOOP;
    PERFORM listguard._record_canary_event('plant', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'per_role', per_role, 'planted', planted), NULL);
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_canaries(regclass, bigint, bigint, regrole[], integer) FROM PUBLIC;
-- What the audit trail says of a planted canary: its role's clear reveals of
-- the canary's list since planting, and when the role (or a member, or its
-- login under another role) read this canary in clear — from the
-- clear_reveal events (kept while listguard.audit_reveals is on), whose
-- sealed "canaries" record notes every one of the role's own canaries among
-- the values (by slot in their own account, by id elsewhere).
CREATE OR REPLACE FUNCTION _canary_reveals(c listguard.canaries, OUT clear_reveals bigint, OUT first_revealed timestamptz,
                                OUT last_revealed timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(sum((a.counts->>'clear')::bigint) FILTER (WHERE a.account = c.account
                                                                AND a.list IS NOT DISTINCT FROM coalesce(c.list, 0)), 0),
           min(a.logged_at) FILTER (WHERE listguard._canary_in_record(a.detail->>'canaries', c.id, c.slot,
                                                                       a.account IS NOT DISTINCT FROM c.account)),
           max(a.logged_at) FILTER (WHERE listguard._canary_in_record(a.detail->>'canaries', c.id, c.slot,
                                                                       a.account IS NOT DISTINCT FROM c.account))
    FROM listguard.audit_log a
    WHERE a.kind = 'clear_reveal' AND a.logged_at >= c.planted_at
      AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN (a.detail->>'role', a.session_user_name)
                  AND listguard._is_member_of(r.oid::regrole, c.role))
$$;
REVOKE ALL ON FUNCTION _canary_reveals(listguard.canaries) FROM PUBLIC;
-- The roles that could have seen a planted canary: the role it was planted
-- for, every role that is a member of it (inheriting or not: they could SET
-- ROLE to it), and the senders whose grant covers its list, with the roles
-- that receive their grants.
CREATE FUNCTION _canary_seers(c listguard.canaries) RETURNS TABLE (role regrole, sees text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE members(r) AS (
        SELECT c.role::oid
        UNION SELECT m.member FROM pg_auth_members m JOIN members ON m.roleid = members.r
    ), senders AS (
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.sends AND (g.account IS NULL OR g.account = c.account)
          AND (g.list IS NULL OR g.list IS NOT DISTINCT FROM c.list)
    )
    SELECT x.role, x.sees FROM (
        SELECT m.r::regrole AS role, CASE WHEN m.r = c.role::oid THEN 'planted for' ELSE 'member' END AS sees,
               CASE WHEN m.r = c.role::oid THEN 0 ELSE 1 END AS rank
        FROM members m
        UNION ALL
        SELECT r.oid::regrole, 'sender', 2 FROM pg_roles r
        WHERE EXISTS (SELECT 1 FROM senders s WHERE listguard.role_receives_grants_of(r.oid::regrole, s.grantee))
          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.r = r.oid)
    ) x
    ORDER BY x.rank, x.role::text
$$;
REVOKE ALL ON FUNCTION _canary_seers(listguard.canaries) FROM PUBLIC;
-- Whether the reveal summaries say everything a role read in clear since a
-- moment: kept since then, no audit gap since (keys of a crashed backend, or
-- a spool file that could not be written), and the role read nothing on a
-- hot standby (whose reveals are in the trail, not in the summaries).
CREATE FUNCTION _reveals_complete(who regrole, since timestamptz) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT min(s.since) FROM listguard.reveal_summaries_since s) <= since, false)
       AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a WHERE a.kind = 'audit_gap' AND a.logged_at >= since)
       AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a
                       WHERE a.kind = 'clear_reveal' AND a.origin IS NOT NULL AND a.logged_at >= since
                         AND who::text IN (a.current_user_name, a.session_user_name))
$$;
REVOKE ALL ON FUNCTION _reveals_complete(regrole, timestamptz) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _trace(address text)
    RETURNS TABLE (canary boolean, role regrole, account bigint, list bigint, planted_at timestamptz,
                   clear_reveals bigint, first_revealed timestamptz, last_revealed timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'trace() needs an address.';
    END IF;
    RETURN QUERY
        SELECT true, c.role, c.account, c.list, c.planted_at, r.clear_reveals, r.first_revealed, r.last_revealed
        FROM listguard.canaries c, LATERAL listguard._canary_reveals(c) r
        WHERE c.role IS NOT NULL AND c.loose_digest = digest
        ORDER BY c.planted_at;
    IF NOT FOUND THEN
        RETURN QUERY SELECT false, NULL::regrole, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::bigint,
                            NULL::timestamptz, NULL::timestamptz;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _trace(text) FROM PUBLIC;
-- trace_leak() and report_canary_hit() return more: who could have seen a
-- canary, what it read, and the odds.
DROP FUNCTION trace_leak(text[]);
DROP FUNCTION _trace_leak(text[]);
-- Who could have leaked a file of addresses, and who likely did
-- (src/pg/canary/trace_leak.cpp, core/canary/attribution.h): the roles that
-- could have seen a canary of the file, each with the canaries of the file it
-- could see, those it could see, those it read in clear (null: the trail
-- cannot tell), the share of the file's known addresses it read in clear
-- (null: cannot tell), and the odds (log10) that the file is better explained
-- with it as a source than without; likely when they pass 5.
CREATE FUNCTION _trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_visible integer, canaries_revealed integer,
                   addresses_revealed real, odds real, likely boolean)
    AS 'MODULE_PATHNAME', 'lg_trace_leak' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _trace_leak(text[]) FROM PUBLIC;
CREATE FUNCTION trace_leak(addresses text[])
    RETURNS TABLE (role regrole, canaries_found integer, canaries_visible integer, canaries_revealed integer,
                   addresses_revealed real, odds real, likely boolean)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
DROP FUNCTION report_canary_hit(text, timestamptz, text);
DROP FUNCTION _report_canary_hit(text, timestamptz, text);
-- A spam trap hit: mail arrived at an address. When it is a canary: an
-- event (and a NOTIFY on listguard_canary, ids only), and one row for each
-- role that could have seen it (_canary_seers()), with whether it read the
-- canary in clear before the hit and on which days first and last (the
-- reveal summaries, and the sealed records of its clear_reveal events). The
-- verdict: a leak when one of them read it before; probable guessing when
-- none did; unknown when the trail cannot tell (a gap, reveals on a standby,
-- summaries kept only since later).
CREATE FUNCTION _report_canary_hit(address text, seen_at timestamptz, source text)
    RETURNS TABLE (role regrole, sees text, revealed boolean, first_revealed date, last_revealed date)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
    c listguard.canaries;
    h record;
    record_first timestamptz;
    seen_day date := (seen_at AT TIME ZONE 'UTC')::date;
    complete boolean := true;
    could_see text[] := '{}';
    read_by text[] := '{}';
    verdict text;
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'report_canary_hit() needs the address the mail was sent to.';
    END IF;
    SELECT * INTO c FROM listguard.canaries k
    WHERE k.role IS NOT NULL AND k.loose_digest = digest
    ORDER BY k.planted_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT r.first_revealed INTO record_first FROM listguard._canary_reveals(c) r;
    FOR h IN
        WITH seers AS (SELECT s.role, s.sees, row_number() OVER () AS n FROM listguard._canary_seers(c) s),
             read AS (SELECT b.role, b.first_day, b.last_day
                      FROM listguard._revealed_by(c.loose_digest, ARRAY(SELECT s.role FROM seers s),
                                                  (c.planted_at AT TIME ZONE 'UTC')::date) b)
        SELECT s.role, s.sees, b.first_day, b.last_day, listguard._reveals_complete(s.role, c.planted_at) AS complete
        FROM seers s LEFT JOIN read b ON b.role = s.role ORDER BY s.n
    LOOP
        role := h.role;
        sees := h.sees;
        first_revealed := h.first_day;
        last_revealed := h.last_day;
        revealed := h.first_day IS NOT NULL AND (seen_at IS NULL OR h.first_day <= seen_day);
        -- The sealed records of its own clear_reveal events, to the moment.
        IF h.sees = 'planted for' AND record_first IS NOT NULL THEN
            revealed := revealed OR seen_at IS NULL OR record_first <= seen_at;
            first_revealed := least(first_revealed, (record_first AT TIME ZONE 'UTC')::date);
            last_revealed := greatest(last_revealed, (record_first AT TIME ZONE 'UTC')::date);
        END IF;
        could_see := could_see || h.role::text;
        IF revealed THEN
            read_by := read_by || h.role::text;
        END IF;
        complete := complete AND h.complete;
        RETURN NEXT;
    END LOOP;
    verdict := CASE WHEN cardinality(read_by) > 0 THEN 'leak'
                    WHEN NOT complete THEN 'unknown: the trail cannot tell what every role that could see it read'
                    ELSE 'probable guessing' END;
    PERFORM listguard._record_canary_event('hit', c.id, c.account, c.list,
        jsonb_build_object('role', c.role::text, 'seen_at', seen_at, 'source', source, 'could_see', could_see,
                           'revealed_by', read_by, 'revealed', cardinality(read_by) > 0, 'verdict', verdict),
        c.address);
    PERFORM pg_notify('listguard_canary', json_build_object('canary', c.id, 'event', 'hit')::text);
END
$$;
REVOKE ALL ON FUNCTION _report_canary_hit(text, timestamptz, text) FROM PUBLIC;
CREATE FUNCTION report_canary_hit(address text, seen_at timestamptz DEFAULT now(), source text DEFAULT NULL)
    RETURNS TABLE (role regrole, sees text, revealed boolean, first_revealed date, last_revealed date)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
