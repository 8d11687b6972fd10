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
-- Canary rows are made like the list's own: names that fit the address,
-- other columns drawn one by one, the domains of the list's own shares.
DROP FUNCTION _take_canary_address(regclass, name, text, text[]);
-- How a stored value's local part is made from its row's names
-- (core/canary/local_part.h): {0}.{1}99, {0i}{1}, w99, ...; never the address.
CREATE FUNCTION _local_part_template(email, names text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_template' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _local_part_template(email, text[]) FROM PUBLIC;
-- A local part made in a template from a row's names.
CREATE FUNCTION _local_part_from_template(template text, names text[]) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_local_part_from_template' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _local_part_from_template(text, text[]) FROM PUBLIC;
-- The names a row would have if a stored value's local part (a canary
-- mailbox's) was made from them in the template (an initial alone takes a
-- name of `known`, the list's, that starts with it); null if it was not.
CREATE FUNCTION _names_for_local_part(email, template text, names text[], known text[]) RETURNS text[]
    AS 'MODULE_PATHNAME', 'lg_names_for_local_part' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _names_for_local_part(email, text, text[], text[]) FROM PUBLIC;
-- An address for a canary row modelled on a real row of its list (see
-- _plant_canaries()): tmpl is how that row's local part is made from its
-- names, tmpl_domain its domain, common whether that domain is a common
-- provider of the list. For a common provider: a mailbox from the pool,
-- at that provider if the pool has one (else at another), with the row's
-- names changed to those its local part shows (tried in the list's
-- templates); for a rare domain, or with no mailbox left: an address made
-- in the template from the names, at the canary domain this list uses least.
-- Returns the id of its canaries row (a pool row stays in the pool until
-- the canary row is in) and the names, or no row.
CREATE FUNCTION _canary_address(tbl regclass, email_column name, scope_filter text, tmpl text, tmpl_domain text,
                                common boolean, names text[], templates text[], known_names text[],
                                canary_domains text[], domain_use jsonb)
    RETURNS TABLE (id bigint, fitted text[])
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    candidate listguard.canaries;
    on_list boolean;
    other text;
    made text;
    domain text;
    taken bigint;
BEGIN
    IF common OR cardinality(canary_domains) = 0 THEN
        FOR candidate IN SELECT * FROM listguard.canaries c WHERE c.role IS NULL AND c.removed_at IS NULL
                         ORDER BY listguard._address_domain(c.address) = tmpl_domain DESC, random()
                         FOR UPDATE SKIP LOCKED LOOP
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s t WHERE %s AND t.%I = $1)', tbl, scope_filter, email_column)
                INTO on_list USING candidate.address;
            CONTINUE WHEN on_list;
            id := candidate.id;
            fitted := names;
            IF cardinality(names) > 0 THEN
                -- The names its local part shows, in the row's own template
                -- or another of the list's that shows names, if they are
                -- names the list has (jsmith1988 is no first name).
                fitted := NULL;
                FOR other IN SELECT tmpl UNION ALL
                             (SELECT x FROM unnest(templates) x WHERE x LIKE '%{%' ORDER BY random() LIMIT 200) LOOP
                    fitted := listguard._names_for_local_part(candidate.address, other, names, known_names);
                    EXIT WHEN fitted IS NOT NULL;
                END LOOP;
                fitted := coalesce(fitted, names);
            END IF;
            RETURN NEXT;
            RETURN;
        END LOOP;
    END IF;
    IF cardinality(canary_domains) = 0 THEN
        RETURN;
    END IF;
    made := listguard._local_part_from_template(tmpl, names);
    IF made IS NULL THEN
        RETURN;
    END IF;
    SELECT d INTO domain FROM unnest(canary_domains) d
    ORDER BY coalesce((domain_use->>d)::int, 0), random() LIMIT 1;
    made := made || '@' || domain;
    -- One that fills its size bucket has no room for the mark.
    BEGIN
        PERFORM listguard._as_canary(listguard.email(made));
    EXCEPTION WHEN invalid_parameter_value OR invalid_text_representation THEN
        RETURN;
    END;
    INSERT INTO listguard.canaries (address, origin, added_by, loose_digest, domain_digest)
    VALUES (listguard.email(made), 'generated', listguard.calling_role(),
            listguard._loose_digest_of(listguard.email(made)), listguard._domain_digest_of(listguard.email(made)))
    ON CONFLICT (address) DO NOTHING
    RETURNING canaries.id INTO taken;
    IF taken IS NULL THEN
        RETURN;
    END IF;
    id := taken;
    fitted := names;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION _canary_address(regclass, name, text, text, text, boolean, text[], text[], text[], text[], jsonb)
    FROM PUBLIC;
-- Plants canary rows that look like the list's own (docs/leak-attribution.md):
--
-- - from a sample of the list's real rows: which text columns are names
--   (their values show in the local parts), how each row's local part is
--   made from its names (a template: {0}.{1}99, {0i}{1}, w99, ...), and the
--   domains with their shares;
-- - each canary takes the template and the domain of a random real row;
--   its names are drawn column by column from other random rows, and its
--   address is made from them in that template: at a canary domain when
--   the row's domain is a rare one (the long tail every list has), or a
--   mailbox from the pool at the row's provider when it is a common one,
--   the names then taken from the mailbox (so that they fit its address);
-- - every other column is drawn from a random real row of its own, one
--   column at a time (no canary duplicates a real row), numbers and times
--   that are nearly unique in the list are drawn between two rows' values,
--   and columns that draw their value (serials, identities, defaults such
--   as now()) take their defaults, as a new signup's would.
--
-- Each canary row is inserted in a subtransaction of its own, so that no
-- two share an xmin; plant one role at a time among real signups
-- (plant_due_canaries()) so that ids and times interleave with theirs.
CREATE OR REPLACE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    email_column name;
    scope_filter text;
    not_canary text;
    sample_tables oid[];
    sample_rows tid[];
    sample_count integer;
    col record;
    name_columns name[] := '{}';
    name_types text[] := '{}';
    drawn_columns name[] := '{}';
    spread_columns name[] := '{}';
    spread_types text[] := '{}';
    rate float8;
    templates text[];
    template_domains text[];
    known_names text[];
    domain_counts jsonb;
    popular_share float8;
    canary_domains text[];
    domain_use jsonb := '{}';
    target regrole;
    canary_id bigint;
    names text[];
    fitted text[];
    stamped listguard.email;
    planted integer := 0;
    inserted boolean;
    pick integer;
    a integer;
    b integer;
    tmpl text;
    tmpl_domain text;
    exprs text[];
    value text;
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
    -- A sample of the list's real rows.
    EXECUTE format('SELECT array_agg(x.tableoid), array_agg(x.ctid) FROM (SELECT t.tableoid, t.ctid FROM %s t '
                   'WHERE %s AND %s AND t.%I IS NOT NULL ORDER BY random() LIMIT 1000) x',
                   tbl, scope_filter, not_canary, email_column)
        INTO sample_tables, sample_rows;
    sample_count := coalesce(cardinality(sample_rows), 0);
    IF sample_count = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = 'the list has no rows to model canaries on',
            DETAIL = 'A canary row is made like the real rows of its list, so that nothing sets it apart.';
    END IF;
    CREATE TEMP TABLE IF NOT EXISTS pg_temp.lg_plant_sample (n integer, rel oid, row_tid tid) ON COMMIT DROP;
    TRUNCATE pg_temp.lg_plant_sample;
    INSERT INTO pg_temp.lg_plant_sample SELECT g, sample_tables[g], sample_rows[g] FROM generate_series(1, sample_count) g;

    -- The columns: names (text columns that the local parts show), columns
    -- drawn between two values (nearly unique numbers and times), columns
    -- copied from a random row (the others). Columns that draw their own
    -- value take it, the account and list are the list's.
    FOR col IN
        SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
          AND a.attname <> email_column AND a.attname NOT IN (p.account_column, coalesce(p.list_column, ''))
          AND (d.oid IS NULL OR d.adbin::text LIKE '{CONST %')
        ORDER BY a.attnum
    LOOP
        IF col.typcategory = 'S' THEN
            EXECUTE format('SELECT avg((listguard._local_part_template(t.%I, ARRAY[t.%I::text]) LIKE ''%%{%%'')::int) '
                           'FROM %s t JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid '
                           'WHERE s.n <= 300 AND t.%I IS NOT NULL', email_column, col.attname, tbl, col.attname)
                INTO rate;
            IF rate >= 0.2 THEN
                name_columns := name_columns || col.attname;
                name_types := name_types || col.type;
                CONTINUE;
            END IF;
        END IF;
        IF col.typcategory IN ('N', 'D') THEN
            EXECUTE format('SELECT count(DISTINCT t.%1$I)::float8 / greatest(count(t.%1$I), 1) FROM %2$s t '
                           'JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid',
                           col.attname, tbl)
                INTO rate;
            IF rate >= 0.9 AND sample_count >= 20 THEN
                spread_columns := spread_columns || col.attname;
                spread_types := spread_types || col.type;
                CONTINUE;
            END IF;
        END IF;
        drawn_columns := drawn_columns || col.attname;
    END LOOP;

    -- How the sampled rows' local parts are made from their names, and
    -- their domains.
    EXECUTE format('SELECT array_agg(listguard._local_part_template(t.%1$I, ARRAY[%2$s]::text[]) ORDER BY s.n), '
                   'array_agg(listguard._address_domain(t.%1$I) ORDER BY s.n) '
                   'FROM %3$s t JOIN pg_temp.lg_plant_sample s ON s.rel = t.tableoid AND s.row_tid = t.ctid',
                   email_column,
                   coalesce((SELECT string_agg(format('t.%I::text', c), ', ') FROM unnest(name_columns) c), ''), tbl)
        INTO templates, template_domains;
    -- The names the list has (a mailbox's local part gives its row names
    -- only if they are names the list has).
    IF cardinality(name_columns) > 0 THEN
        EXECUTE format('SELECT array_agg(DISTINCT w) FROM %s t JOIN pg_temp.lg_plant_sample s '
                       'ON s.rel = t.tableoid AND s.row_tid = t.ctid, '
                       'LATERAL regexp_split_to_table(lower(concat_ws('' '', %s)), ''[^a-z]+'') w WHERE w <> ''''',
                       tbl, (SELECT string_agg(format('t.%I::text', c), ', ') FROM unnest(name_columns) c))
            INTO known_names;
    END IF;
    SELECT jsonb_object_agg(d.domain, d.n) INTO domain_counts
    FROM (SELECT x AS domain, count(*) AS n FROM unnest(template_domains) x GROUP BY x) d;
    -- A provider with at least 1 % of the list is a common one.
    popular_share := greatest(3, 0.01 * sample_count);
    canary_domains := array_remove(regexp_split_to_array(lower(current_setting('listguard.canary_domains')), '\s*,\s*'), '');
    -- How many canaries of this list each canary domain has: each new one goes
    -- to the least used, so that none stands out by its count.
    SELECT coalesce(jsonb_object_agg(x.domain, x.n), '{}') INTO domain_use
    FROM (SELECT listguard._address_domain(c.address) AS domain, count(*) AS n FROM listguard.canaries c
          WHERE c.account = _plant_canaries.account AND c.list IS NOT DISTINCT FROM _plant_canaries.list
            AND c.origin = 'generated' AND c.role IS NOT NULL
          GROUP BY 1) x;

    PERFORM listguard._canary_policies(p.root);
    -- The roles' canaries in a random order, not one role's after another's.
    FOR target IN SELECT r FROM unnest(roles) r, generate_series(1, per_role) ORDER BY random() LOOP
        inserted := false;
        FOR attempt IN 1..5 LOOP
            -- The real row whose local part and domain the canary's follow.
            pick := 1 + floor(random() * sample_count)::int;
            tmpl := templates[pick];
            tmpl_domain := template_domains[pick];
            CONTINUE WHEN tmpl IS NULL;
            -- Names, each from a random row.
            names := '{}';
            FOR i IN 1..coalesce(cardinality(name_columns), 0) LOOP
                EXECUTE format('SELECT t.%I::text FROM %s t JOIN pg_temp.lg_plant_sample s '
                               'ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $1', name_columns[i], tbl)
                    INTO value USING 1 + floor(random() * sample_count)::int;
                names := names || coalesce(value, '');
            END LOOP;
            SELECT x.id, x.fitted INTO canary_id, fitted
            FROM listguard._canary_address(tbl, email_column, scope_filter, tmpl, tmpl_domain,
                                           coalesce((domain_counts->>tmpl_domain)::float8, 0) >= popular_share,
                                           names, templates, coalesce(known_names, '{}'), canary_domains,
                                           domain_use) x;
            CONTINUE WHEN canary_id IS NULL;
            names := fitted;
            -- Stamped for its list and marked as a canary (a mark no role can
            -- make: an address a role types in is never taken for one).
            SELECT listguard._as_canary(listguard._stamped(c.address, _plant_canaries.account,
                                                           coalesce(_plant_canaries.list, 0))) INTO stamped
            FROM listguard.canaries c WHERE c.id = canary_id;
            exprs := ARRAY[format('%s::%s', account, format_type(
                               (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = p.account_column), NULL))];
            IF list IS NOT NULL THEN
                exprs := exprs || format('%s::%s', list, format_type(
                               (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = p.list_column), NULL));
            END IF;
            FOR i IN 1..coalesce(cardinality(name_columns), 0) LOOP
                exprs := exprs || format('%L::%s', nullif(names[i], ''), name_types[i]);
            END LOOP;
            FOR i IN 1..coalesce(cardinality(drawn_columns), 0) LOOP
                pick := 1 + floor(random() * sample_count)::int;
                exprs := exprs || format('(SELECT t.%I FROM %s t WHERE t.tableoid = %s AND t.ctid = %L)',
                                         drawn_columns[i], tbl, sample_tables[pick], sample_rows[pick]);
            END LOOP;
            FOR i IN 1..coalesce(cardinality(spread_columns), 0) LOOP
                a := 1 + floor(random() * sample_count)::int;
                b := 1 + floor(random() * sample_count)::int;
                EXECUTE format('SELECT CASE WHEN x.v IS NULL OR y.v IS NULL THEN coalesce(x.v, y.v)::text '
                               'ELSE (%4$s)::%2$s::text END '
                               'FROM (SELECT t.%1$I AS v FROM %3$s t JOIN pg_temp.lg_plant_sample s '
                               '      ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $1) x, '
                               '     (SELECT t.%1$I AS v FROM %3$s t JOIN pg_temp.lg_plant_sample s '
                               '      ON s.rel = t.tableoid AND s.row_tid = t.ctid WHERE s.n = $2) y',
                               spread_columns[i], spread_types[i], tbl,
                               CASE WHEN (SELECT t.typcategory = 'D' FROM pg_type t WHERE t.oid = spread_types[i]::regtype)
                                    THEN 'to_timestamp(extract(epoch FROM x.v) + (extract(epoch FROM y.v) '
                                         '- extract(epoch FROM x.v)) * random())'
                                    -- In the values' own precision.
                                    ELSE 'round(x.v::numeric + (y.v::numeric - x.v::numeric) * random()::numeric, '
                                         'greatest(scale(x.v::numeric), scale(y.v::numeric)))' END)
                    INTO value USING a, b;
                exprs := exprs || format('%L::%s', value, spread_types[i]);
            END LOOP;
            -- Each canary row in a transaction of its own (a subtransaction),
            -- so its xmin is not shared with the others. One whose values
            -- break a unique constraint is drawn again.
            BEGIN
                EXECUTE format('INSERT INTO %s (%s) VALUES (%s, $1)', tbl,
                               (SELECT string_agg(quote_ident(c), ', ')
                                FROM unnest(ARRAY[p.account_column] || CASE WHEN list IS NULL THEN '{}'::name[]
                                                                            ELSE ARRAY[p.list_column] END
                                            || name_columns || drawn_columns || spread_columns
                                            || ARRAY[email_column]) c),
                               array_to_string(exprs, ', '))
                    USING stamped;
                inserted := true;
            EXCEPTION WHEN unique_violation OR exclusion_violation THEN
                -- The address goes back to the pool (a made one is dropped).
                DELETE FROM listguard.canaries c WHERE c.id = canary_id AND c.origin = 'generated';
                canary_id := NULL;
            END;
            EXIT WHEN inserted;
        END LOOP;
        IF NOT inserted THEN
            IF canary_id IS NULL AND NOT EXISTS (SELECT 1 FROM listguard.canaries c WHERE c.role IS NULL)
               AND cardinality(canary_domains) = 0 THEN
                RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
                    MESSAGE = 'no canary address is left to plant',
                    DETAIL = 'Every address added with add_canary_addresses() is planted already, and '
                             'listguard.canary_domains is empty.',
                    HINT = 'Add mailboxes with listguard.add_canary_addresses(), or set listguard.canary_domains to '
                           'domains whose mail you receive.';
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'unique_violation',
                MESSAGE = format('could not plant a canary in %s: copies of its rows break a unique constraint', tbl),
                HINT = 'Give the unique columns a default (a sequence, gen_random_uuid()), so canary rows draw '
                       'their own values.';
        END IF;
        UPDATE listguard.canaries c SET address = stamped, role = target, relid = p.root, column_name = email_column,
            account = _plant_canaries.account, list = _plant_canaries.list,
            planted_by = listguard.calling_role(), planted_at = now(), slot = listguard._next_canary_slot(_plant_canaries.account)
        WHERE c.id = canary_id;
        IF (SELECT c.origin FROM listguard.canaries c WHERE c.id = canary_id) = 'generated' THEN
            tmpl_domain := listguard._address_domain(stamped);
            domain_use := jsonb_set(domain_use, ARRAY[tmpl_domain], to_jsonb(coalesce((domain_use->>tmpl_domain)::int, 0) + 1));
        END IF;
        planted := planted + 1;
    END LOOP;
    PERFORM listguard._record_canary_event('plant', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'per_role', per_role, 'planted', planted), NULL);
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_canaries(regclass, bigint, bigint, regrole[], integer) FROM PUBLIC;
-- Canaries planned over a period and planted one at a time.
-- Canaries to plant later (plan_canaries()), one row each: the protection
-- root, list and role it is for, and when it is due. plant_due_canaries()
-- plants those due, so that canaries arrive one at a time among real
-- signups. Readable by admins only; changed through listguard's functions
-- only.
CREATE TABLE canary_plans (
    id         bigserial PRIMARY KEY,
    relid      regclass NOT NULL,
    account    bigint NOT NULL,
    list       bigint,
    role       regrole NOT NULL,
    due_at     timestamptz NOT NULL,
    planned_by regrole NOT NULL,
    planned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canary_plans_due ON canary_plans (due_at);
REVOKE ALL ON canary_plans FROM PUBLIC;
GRANT SELECT ON canary_plans TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_plans', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_plans_id_seq', '');
CREATE TRIGGER canary_plans_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON canary_plans
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE FUNCTION plan_canaries(tbl regclass, account bigint, list bigint, roles regrole[] DEFAULT NULL,
                              per_role integer DEFAULT 3, over interval DEFAULT '30 days') RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION plant_due_canaries(at_most integer DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
-- Plans per_role canaries for each role (default: every clear reader of the
-- list), each due at a random moment within `over` from now, for
-- plant_due_canaries() to plant: one at a time, among the real signups of
-- that time, so that their ids and times interleave with theirs.
CREATE FUNCTION _plan_canaries(tbl regclass, account bigint, list bigint, roles regrole[], per_role integer,
                               over interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.protected_tables;
    planned integer;
BEGIN
    IF tbl IS NULL OR account IS NULL THEN
        PERFORM listguard._invalid('table and account must not be null', 'plan_canaries() plans for one list of one table.');
    END IF;
    IF account <= 0 OR list <= 0 THEN
        PERFORM listguard._invalid('invalid account or list id', 'Account and list ids are positive numbers.');
    END IF;
    IF per_role IS NULL OR per_role < 1 OR per_role > 100 THEN
        PERFORM listguard._invalid(format('invalid per_role %s', coalesce(per_role::text, 'null')),
            'Each role gets between 1 and 100 canaries in a list.');
    END IF;
    IF over IS NULL OR over <= interval '0' OR over > interval '366 days' THEN
        PERFORM listguard._invalid(format('invalid period %s', coalesce(over::text, 'null')),
            'Canaries are planned over a period between a moment and a year.');
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
            'plan_canaries() plans for one list (or, in a table without lists, one account).');
    END IF;
    IF roles IS NOT NULL AND array_position(roles, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('roles must not hold a null', 'Name each role, or pass NULL for every clear reader.');
    END IF;
    roles := coalesce(roles, ARRAY(
        SELECT DISTINCT g.grantee FROM listguard.grants g
        WHERE g.reveal = 'clear' AND (g.account IS NULL OR g.account = _plan_canaries.account)
          AND (g.list IS NULL OR g.list = _plan_canaries.list) AND (g.valid_until IS NULL OR g.valid_until > now())
        ORDER BY 1));
    INSERT INTO listguard.canary_plans (relid, account, list, role, due_at, planned_by)
    SELECT p.root, _plan_canaries.account, _plan_canaries.list, r, now() + random() * over, listguard.calling_role()
    FROM unnest(roles) r, generate_series(1, per_role);
    GET DIAGNOSTICS planned = ROW_COUNT;
    PERFORM listguard._record_canary_event('plan', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'per_role', per_role, 'over', over::text,
                           'planned', planned), NULL);
    RETURN planned;
END
$$;
REVOKE ALL ON FUNCTION _plan_canaries(regclass, bigint, bigint, regrole[], integer, interval) FROM PUBLIC;
-- Plants the planned canaries that are due (plan_canaries()), the longest
-- due first, at most at_most of them: call it from a job every few minutes.
-- A plan that cannot be planted now (its list has no rows yet, the pool and
-- the canary domains are empty) stays, with a WARNING; one whose table is no
-- longer protected goes.
CREATE FUNCTION _plant_due_canaries(at_most integer) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    plan listguard.canary_plans;
    planted integer := 0;
    message text;
BEGIN
    IF at_most IS NOT NULL AND at_most < 1 THEN
        PERFORM listguard._invalid(format('invalid at_most %s', at_most), 'Plant at least one, or pass NULL for all.');
    END IF;
    FOR plan IN SELECT * FROM listguard.canary_plans c WHERE c.due_at <= now()
                ORDER BY c.due_at LIMIT at_most FOR UPDATE SKIP LOCKED LOOP
        IF NOT EXISTS (SELECT 1 FROM listguard.protected_tables q WHERE q.relid = plan.relid) THEN
            DELETE FROM listguard.canary_plans c WHERE c.id = plan.id;
            CONTINUE;
        END IF;
        BEGIN
            planted := planted + listguard._plant_canaries(plan.relid, plan.account, plan.list, ARRAY[plan.role], 1);
            DELETE FROM listguard.canary_plans c WHERE c.id = plan.id;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
            RAISE WARNING 'listguard: a planned canary of % could not be planted: %', plan.relid, message;
        END;
    END LOOP;
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_due_canaries(integer) FROM PUBLIC;
CREATE OR REPLACE FUNCTION _remove_canaries(tbl regclass, account bigint, list bigint, roles regrole[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c listguard.canaries;
    p listguard.protected_tables;
    root_table regclass;
    removed integer := 0;
BEGIN
    IF tbl IS NULL THEN
        PERFORM listguard._invalid('table must not be null', 'remove_canaries() removes the canaries of one table.');
    END IF;
    root_table := (SELECT q.root FROM listguard.protected_tables q WHERE q.relid = tbl);
    IF root_table IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = format('table %s is not protected', tbl),
            HINT = 'Its canaries are removed with it when it is dropped; protect it again to remove them one by one.';
    END IF;
    FOR c IN SELECT * FROM listguard.canaries k
             WHERE k.relid = root_table AND k.role IS NOT NULL AND k.removed_at IS NULL
               AND (_remove_canaries.account IS NULL OR k.account = _remove_canaries.account)
               AND (_remove_canaries.list IS NULL OR k.list = _remove_canaries.list)
               AND (roles IS NULL OR k.role = ANY (roles))
             FOR UPDATE LOOP
        -- Its address in its list: the same mailbox may be a real
        -- subscriber elsewhere.
        SELECT * INTO p FROM listguard.protected_tables q WHERE q.relid = root_table;
        EXECUTE format('DELETE FROM %s t WHERE t.%I = $1 AND t.%I = $2 AND %s', root_table, c.column_name,
                       p.account_column, CASE WHEN p.list_column IS NULL THEN 'true' ELSE format('t.%I = $3', p.list_column) END)
            USING c.address, c.account, c.list;
        UPDATE listguard.canaries k SET removed_at = now(), removed_by = listguard.calling_role() WHERE k.id = c.id;
        removed := removed + 1;
    END LOOP;
    -- Planned canaries of the same roles and lists go too.
    DELETE FROM listguard.canary_plans k
    WHERE k.relid = root_table AND (_remove_canaries.account IS NULL OR k.account = _remove_canaries.account)
      AND (_remove_canaries.list IS NULL OR k.list = _remove_canaries.list) AND (roles IS NULL OR k.role = ANY (roles));
    PERFORM listguard._record_canary_event('remove', NULL, account, list,
        jsonb_build_object('table', tbl::text, 'roles', roles::text[], 'removed', removed), NULL);
    RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION _remove_canaries(regclass, bigint, bigint, regrole[]) FROM PUBLIC;
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
