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

-- listguard_monitor is new: _setup_roles() runs again and makes it (a role
-- of that name that listguard did not create is refused, as at CREATE
-- EXTENSION, unless listguard.adopt_existing_roles is on).
-- listguard's roles, shared by every database of the cluster: listguard_admin
-- (administration), listguard_owner (owns protected tables; admins belong to
-- it), listguard_approver (approves access requests), listguard_standby
-- (the login of hot standbys' links to the primary) and listguard_monitor
-- (reads metrics and progress, never an address). A role of one of these
-- names that listguard did not create is refused unless
-- listguard.adopt_existing_roles is on.
CREATE OR REPLACE FUNCTION _setup_roles(adopt boolean) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_setup_roles' LANGUAGE C VOLATILE STRICT;
SELECT _setup_roles(false);
REVOKE ALL ON FUNCTION _setup_roles(boolean) FROM PUBLIC;

-- Monitors see every quota, and read metrics, progress and the audit log
-- without its addresses.
-- Whether the current role may read what monitors read (an admin, a member
-- of listguard_monitor or of pg_monitor): quota_usage shows them every quota.
CREATE FUNCTION current_role_is_monitor() RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_current_role_is_monitor' LANGUAGE C STABLE PARALLEL SAFE;
-- Every quota the caller may see (admins and monitors: all; others: their
-- own) and where it stands. "used" counts what backends have reserved and
-- not yet given back too.
CREATE OR REPLACE VIEW quota_usage WITH (security_barrier) AS
SELECT g.id AS grant_id, g.grantee AS role, g.account, g.list, g.quota, g.on_exceed,
       coalesce(s.used, 0) AS used,
       greatest(g.quota_limit - coalesce(s.used, 0), 0) AS remaining,
       s.window_start + make_interval(secs => g.quota_window) AS window_resets_at
FROM listguard.grants g
LEFT JOIN listguard._quota_state() s
       ON s.grant_id = g.id AND s.window_start + make_interval(secs => g.quota_window) > now()
WHERE g.quota IS NOT NULL
  AND (listguard.current_role_is_admin() OR listguard.current_role_is_monitor()
       OR listguard.role_receives_grants_of(current_user::regrole, g.grantee));
GRANT SELECT ON quota_usage TO PUBLIC;
-- Text with every address-like token masked (j***@example.com): names a role
-- chose (of roles, tables, applications) as monitors see them. Public: it
-- only ever hides.
CREATE FUNCTION _redact(text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_redact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Whether text holds anything _redact() would mask. Public: it says no more
-- than _redact() does.
CREATE FUNCTION _has_address(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_has_address' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- The rows of listguard.metrics, from shared memory and listguard's tables
-- (read as the extension's owner, with fixed queries). It checks that the
-- caller is a monitor (an admin, a member of listguard_monitor or of
-- pg_monitor) besides these privileges.
CREATE FUNCTION _metrics(OUT metric text, OUT labels jsonb, OUT value double precision) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_metrics' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _metrics() TO listguard_monitor, pg_monitor, listguard_admin;
-- What listguard did and where it stands, one row per metric and label set,
-- for monitoring without superuser and without any address: values shown
-- per role and reveal level, quota use and limit per grant, refusals per
-- reason, audit events per kind, the audit queue and writer, the log's
-- extent and archives, standby links and leases, keys, canary hits, long
-- operations. Counters count since the server started. monitoring/
-- postgres_exporter.yml turns it into Prometheus series (listguard_<metric>).
CREATE VIEW metrics AS SELECT m.metric, m.labels, m.value FROM listguard._metrics() m;
REVOKE ALL ON metrics FROM PUBLIC;
GRANT SELECT ON metrics TO listguard_monitor, pg_monitor, listguard_admin;
CREATE FUNCTION _progress(OUT pid integer, OUT command text, OUT "table" text, OUT phase text,
                          OUT blocks_done bigint, OUT blocks_total bigint, OUT "rows" bigint,
                          OUT started timestamptz, OUT updated timestamptz) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _progress() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _progress() TO listguard_monitor, pg_monitor, listguard_admin;
-- One row per running protect(), stamp_existing(), reseal_existing(),
-- invalid_addresses(), retire_key(), archive_audit() and background
-- stamping of this database: who runs it, on which table, in which phase,
-- how many of the table's blocks are done, the rows so far, since when.
CREATE VIEW progress AS
SELECT p.pid, p.command, p."table", p.phase, p.blocks_done, p.blocks_total, p."rows", p.started, p.updated
FROM listguard._progress() p;
REVOKE ALL ON progress FROM PUBLIC;
GRANT SELECT ON progress TO listguard_monitor, pg_monitor, listguard_admin;
-- The audit log without what could hold or point at an address, for
-- monitors: no detail (it holds admins' reasons and arguments, masked key
-- values, sealed canary records), no digests (they would let events about
-- one address be linked), no links; names a role chose with addresses
-- masked, counts hidden if they hold anything like one. For a refusal, its
-- reason when it is one of listguard's own.
CREATE VIEW audit_events WITH (security_barrier) AS
SELECT a.id, a.logged_at, a.kind,
       listguard._redact(a.session_user_name) AS session_user_name,
       listguard._redact(a.current_user_name) AS current_user_name,
       a.client_addr, listguard._redact(a.application_name) AS application_name, a.backend_pid, a.xid,
       a.account, a.list, listguard._redact(a.relation) AS relation,
       CASE WHEN listguard._has_address(a.counts::text) THEN NULL ELSE a.counts END AS counts,
       CASE WHEN a.kind = 'denied' AND a.detail->>'reason' IN ('laundering', 'not an admin', 'not a monitor',
                 'listguard role', 'protected table', 'email column to another type', 'dump with masks',
                 'logical replication without a sealed grant', 'object over listguard.email', 'row security')
            THEN a.detail->>'reason' END AS reason,
       listguard._redact(a.origin) AS origin, a.format
FROM listguard.audit_log a;
REVOKE ALL ON audit_events FROM PUBLIC;
GRANT SELECT ON audit_events TO listguard_monitor, pg_monitor, listguard_admin;

-- protect() of a table in use: it takes the lock in short tries, stamps what
-- it can while it holds it (listguard.protect_stamp_budget) and queues the
-- rest, which the maintenance worker stamps in the background ('online',
-- the new default); stamp_existing(), reseal_existing() and the others say
-- where they stand in listguard.progress, and in a NOTICE at most every 10 s.
-- listguard's PL/pgSQL code (protect(), retire_key(), key_usage()) says
-- where it stands, for listguard.progress and the NOTICE every 10 s.
CREATE FUNCTION _note_progress(command text, tbl regclass, phase text, blocks_done bigint, blocks_total bigint,
                               "rows" bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_note_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _note_progress(text, regclass, text, bigint, bigint, bigint) FROM PUBLIC;
CREATE FUNCTION _stamp_queue_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_stamp_queue_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION _stamp_queue_guard() FROM PUBLIC;
-- Protected tables whose rows from before protect() are stamped in the
-- background: protect() stamps what it can while it holds the table's lock
-- (listguard.protect_stamp_budget) and queues the rest here; the database's
-- maintenance worker stamps it in committed batches, moving next_block on
-- in each batch's own transaction, so that it resumes after a crash or a
-- restart. relfilenode tells a table rewritten since (its rows moved): it
-- is then gone through again. Written by listguard only; dumped, so that a
-- restore goes on stamping.
CREATE TABLE stamp_queue (
    relid       regclass PRIMARY KEY,
    next_block  bigint NOT NULL,
    end_block   bigint NOT NULL,
    relfilenode oid NOT NULL,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    queued_by   regrole NOT NULL
);
REVOKE ALL ON stamp_queue FROM PUBLIC;
GRANT SELECT ON stamp_queue TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.stamp_queue', '');
CREATE TRIGGER stamp_queue_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON stamp_queue
    FOR EACH STATEMENT EXECUTE FUNCTION _stamp_queue_guard();
-- protect() queued tables in stamp_queue: the maintenance worker stamps them
-- once the transaction commits (and after a restart, until they are done).
CREATE FUNCTION _request_background_stamping() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_request_background_stamping' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _request_background_stamping() FROM PUBLIC;
-- Takes ACCESS EXCLUSIVE on a table in use without stalling it: while a lock
-- request waits, every session that comes after it waits behind it, so the
-- request is made with a short lock_timeout, again and again with a pause
-- between, for about 30 s; after that it waits as LOCK TABLE does.
CREATE FUNCTION _lock_exclusively(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tries integer := 0;
BEGIN
    LOOP
        BEGIN
            -- Local to this function (its SET clause): undone when it returns.
            PERFORM set_config('lock_timeout', '200ms', true);
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
            RETURN;
        EXCEPTION WHEN lock_not_available THEN
            tries := tries + 1;
            EXIT WHEN tries >= 100;
            PERFORM listguard._note_progress('protect', tbl, 'waiting for the table''s lock', 0, 0, 0);
            PERFORM pg_sleep(0.05 + random() * 0.25);
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', '0', true);
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
END
$$;
REVOKE ALL ON FUNCTION _lock_exclusively(regclass) FROM PUBLIC;
-- Protects a table and every table below it (_protect() does it, as the
-- extension's owner). stamp: 'online' stamps the rows already there while
-- it holds the table's lock, for at most listguard.protect_stamp_budget,
-- and leaves the rest to background stamping (listguard.progress shows
-- it); 'now' stamps them all before it returns; 'later' leaves them to
-- stamp_existing().
CREATE OR REPLACE FUNCTION protect(tbl regclass, account_column name, list_column name DEFAULT NULL,
                        audit text DEFAULT 'statement', stamp text DEFAULT 'online') RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE OR REPLACE FUNCTION _protect(tbl regclass, account_column name, list_column name, audit text, stamp text)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind "char";
    persistence "char";
    parent regclass;
    t regclass;
    column_type regtype;
    scope name;
    target record;
    next_block bigint;
    batch bigint;
    started timestamptz;
    budget interval;
    left_blocks bigint := 0;
BEGIN
    IF tbl IS NULL OR account_column IS NULL THEN
        PERFORM listguard._invalid('table and account column must not be null', 'protect() needs both.');
    END IF;
    IF audit IS NULL OR audit NOT IN ('statement', 'row', 'off') THEN
        PERFORM listguard._invalid(format('invalid audit level %L', audit),
            'The audit level must be statement, row or off.');
    END IF;
    IF stamp IS NULL OR stamp NOT IN ('online', 'now', 'later') THEN
        PERFORM listguard._invalid(format('invalid stamp %L', stamp),
            'online stamps the rows the table already holds while protect() holds its lock, for at most '
            'listguard.protect_stamp_budget, and the rest in the background; now stamps them all before '
            'protect() returns; later leaves that to CALL listguard.stamp_existing(), in committed batches.');
    END IF;
    SELECT c.relkind, c.relpersistence INTO kind, persistence FROM pg_class c WHERE c.oid = tbl;
    IF kind NOT IN ('r', 'p') OR persistence = 't'
       OR (SELECT c.relnamespace FROM pg_class c WHERE c.oid = tbl) IN ('pg_catalog'::regnamespace,
                                                                       'listguard'::regnamespace) THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type', MESSAGE = format('%s is not a table that can be protected', tbl),
            DETAIL = 'Only ordinary and partitioned tables outside pg_catalog and listguard, and not temporary, can be protected.';
    END IF;
    -- Rows of a table are read through its parents under the parents'
    -- policies only: protection starts at the top.
    SELECT i.inhparent::regclass INTO parent FROM pg_inherits i WHERE i.inhrelid = tbl LIMIT 1;
    IF parent IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'wrong_object_type',
            MESSAGE = format('%s is a partition or child of %s', tbl, parent),
            DETAIL = 'Its rows can be read through its parent, which protecting this table alone would leave open.',
            HINT = format('Protect %s instead: protecting a table protects every table below it.', parent);
    END IF;
    -- Nobody changes the tables while they are checked and protected.
    PERFORM listguard._note_progress('protect', tbl, 'waiting for the table''s lock', 0, 0, 0);
    PERFORM listguard._lock_exclusively(tbl);
    started := clock_timestamp();
    PERFORM listguard._note_progress('protect', tbl, 'checking the table', 0, 0, 0);
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        FOREACH scope IN ARRAY ARRAY[account_column, list_column] LOOP
            CONTINUE WHEN scope IS NULL;
            SELECT a.atttypid::regtype INTO column_type FROM pg_attribute a
            WHERE a.attrelid = t AND a.attname = scope AND a.attnum > 0 AND NOT a.attisdropped;
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'undefined_column',
                    MESSAGE = format('column %I of table %s does not exist', scope, t);
            END IF;
            IF column_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
                RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
                    MESSAGE = format('column %I of table %s is of type %s', scope, t, column_type),
                    DETAIL = 'Account and list columns must be smallint, integer or bigint.';
            END IF;
        END LOOP;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                   WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
                     AND (a.atttypid = 'listguard.email'::regtype OR
                          (ty.typtype = 'd' AND ty.typbasetype = 'listguard.email'::regtype))) THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_table_definition',
            MESSAGE = format('table %s has no listguard.email column', tbl),
            DETAIL = 'protect() stamps and polices listguard.email values; this table has none.';
    END IF;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._refuse_untrusted(t);
    END LOOP;
    PERFORM listguard._note_progress('protect', tbl, 'installing policies', 0, 0, 0);
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_one(t, tbl, account_column, list_column, audit);
    END LOOP;
    -- The rows already there take their stamps, so that grants scoped to an
    -- account or list read them as they read new ones. Nothing else sees the
    -- tables until this transaction ends: they are locked. Online, for at
    -- most the budget (from when the lock was taken): what is left is
    -- queued, and stamped in the background once this commits, in batches
    -- that lock only their rows; the triggers stamp what is written
    -- meanwhile. (Before the triggers: a BEFORE ROW trigger, even one that
    -- does not fire, makes every updated row be locked first.)
    budget := CASE WHEN stamp = 'now' OR current_setting('listguard.protect_stamp_budget') = '-1' THEN NULL
                   ELSE current_setting('listguard.protect_stamp_budget')::interval END;
    IF stamp IN ('now', 'online') THEN
        FOR target IN SELECT p.relid, p.blocks FROM listguard._stamp_plan(tbl) p LOOP
            next_block := 0;
            batch := CASE WHEN budget IS NULL THEN target.blocks + 1 ELSE 64 END;
            WHILE next_block < target.blocks AND (budget IS NULL OR clock_timestamp() - started < budget) LOOP
                PERFORM listguard._stamp_batch(target.relid, next_block, next_block + batch);
                next_block := next_block + batch;
                batch := least(batch * 2, 4096);
            END LOOP;
            IF next_block < target.blocks THEN
                INSERT INTO listguard.stamp_queue AS q (relid, next_block, end_block, relfilenode, queued_by)
                VALUES (target.relid, next_block, target.blocks,
                        (SELECT c.relfilenode FROM pg_class c WHERE c.oid = target.relid), listguard.calling_role())
                ON CONFLICT (relid) DO UPDATE SET next_block = excluded.next_block, end_block = excluded.end_block,
                    relfilenode = excluded.relfilenode, queued_at = excluded.queued_at, queued_by = excluded.queued_by;
                left_blocks := left_blocks + target.blocks - next_block;
            END IF;
        END LOOP;
    END IF;
    PERFORM listguard._note_progress('protect', tbl, 'installing triggers', 0, 0, 0);
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_triggers(t, audit);
    END LOOP;
    IF left_blocks > 0 THEN
        PERFORM listguard._request_background_stamping();
        RAISE NOTICE USING MESSAGE = format('listguard: %s: %s blocks left to stamp in the background', tbl, left_blocks),
            DETAIL = 'Until a row is stamped its value belongs to no account: only grants on every account see it.',
            HINT = 'SELECT * FROM listguard.progress shows the stamping; listguard.stamp_queue what is left.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _protect(regclass, name, name, text, text) FROM PUBLIC;
-- Removes listguard's policies and triggers from a table (not the triggers a
-- partition has cloned from its parent: they go with the parent's).
CREATE OR REPLACE FUNCTION _drop_protection(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET client_min_messages = warning AS $$
DECLARE
    policy text;
    trigger_name name;
BEGIN
    FOREACH policy IN ARRAY ARRAY['listguard_base', 'listguard_read', 'listguard_insert', 'listguard_update',
                                  'listguard_delete'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', policy, tbl);
    END LOOP;
    FOR trigger_name IN SELECT t.tgname FROM pg_trigger t
                        WHERE t.tgrelid = tbl AND t.tgparentid = 0
                          AND t.tgname IN ('listguard_stamp', 'listguard_audit', 'listguard_audit_row',
                                           'listguard_audit_truncate') LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', trigger_name, tbl);
    END LOOP;
    DELETE FROM listguard.protected_tables WHERE relid = tbl;
    DELETE FROM listguard.stamp_queue WHERE relid = tbl;
END
$$;
REVOKE ALL ON FUNCTION _drop_protection(regclass) FROM PUBLIC;
-- Stamps the rows a protected table held before protect(..., stamp =>
-- 'later'), in committed batches of `batch_blocks` blocks: each batch locks
-- only the rows it stamps; listguard.progress shows where it stands (and a
-- NOTICE every 10 s). Interrupted, it
-- can simply be called again (stamped rows are skipped). Until a value is
-- stamped it belongs to no account: only roles with every account see it.
-- A procedure, to commit between batches; so no SET search_path either:
-- every name is qualified.
CREATE OR REPLACE PROCEDURE stamp_existing(tbl regclass, batch_blocks integer DEFAULT 1024)
LANGUAGE plpgsql AS $$
DECLARE
    target record;
BEGIN
    IF batch_blocks IS NULL OR batch_blocks OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'batch_blocks must be at least 1',
            DETAIL = 'It is the number of table blocks stamped per committed batch.';
    END IF;
    FOR target IN SELECT p.relid, p.blocks FROM listguard.stamp_plan(tbl) p LOOP
        FOR from_block IN 0..(target.blocks OPERATOR(pg_catalog.-) 1) BY batch_blocks LOOP
            PERFORM listguard.stamp_batch(target.relid, from_block, from_block OPERATOR(pg_catalog.+) batch_blocks);
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
-- Re-seals every stored value under the current seal key, table by table,
-- in committed batches of `batch_blocks` blocks; listguard.progress shows
-- where it stands (and a NOTICE every 10 s).
-- Interrupted, it can simply be called again: values already under the
-- current key are skipped. A procedure, so no SET search_path: every name
-- is qualified.
CREATE OR REPLACE PROCEDURE reseal_existing(batch_blocks integer DEFAULT 1024)
LANGUAGE plpgsql AS $$
DECLARE
    target record;
    problem text;
BEGIN
    IF batch_blocks IS NULL OR batch_blocks OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'batch_blocks must be at least 1',
            DETAIL = 'It is the number of table blocks re-sealed per committed batch.';
    END IF;
    FOR target IN SELECT p.relid, p.blocks FROM listguard.reseal_plan() p LOOP
        FOR from_block IN 0..(target.blocks OPERATOR(pg_catalog.-) 1) BY batch_blocks LOOP
            -- A table whose own code fails the rewrite (a trigger of its
            -- owner's, say) is left for later; the others go on.
            BEGIN
                PERFORM listguard.reseal_batch(target.relid, from_block, from_block OPERATOR(pg_catalog.+) batch_blocks);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
                RAISE WARNING 'listguard: could not re-seal %: %', target.relid, problem
                    USING HINT = 'Fix it and call listguard.reseal_existing() again; listguard.key_usage() shows what is left.';
                EXIT;
            END;
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
-- How many values each seal key seals, per column of this database; a
-- column whose values listguard cannot reach (nested) shows a null key.
CREATE OR REPLACE FUNCTION _key_usage() RETURNS TABLE (relation regclass, column_name name, key_id text, "values" bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col record;
BEGIN
    FOR col IN SELECT * FROM listguard._email_columns() LOOP
        PERFORM listguard._note_progress('key_usage', col.relid, format('counting the values of column %s', col.column_name),
                                         0, pg_relation_size(col.relid) / current_setting('block_size')::bigint, 0);
        IF col.shape = 'nested' THEN
            RETURN QUERY SELECT col.relid, col.column_name, NULL::text, NULL::bigint;
        ELSIF col.shape = 'plain' THEN
            RETURN QUERY EXECUTE format('SELECT %L::regclass, %L::name, listguard._key_id(%I), count(*) FROM %s %s '
                                        'WHERE %I IS NOT NULL GROUP BY 3 ORDER BY 3',
                                        col.relid, col.column_name, col.column_name,
                                        CASE WHEN col.relkind = 'r' THEN 'ONLY' ELSE '' END, col.relid, col.column_name);
        ELSE
            RETURN QUERY EXECUTE format('SELECT %L::regclass, %L::name, listguard._key_id(x), count(*) FROM %s %s t, '
                                        'unnest(t.%I) x WHERE x IS NOT NULL GROUP BY 3 ORDER BY 3',
                                        col.relid, col.column_name,
                                        CASE WHEN col.relkind = 'r' THEN 'ONLY' ELSE '' END, col.relid, col.column_name);
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _key_usage() FROM PUBLIC;
-- Retires a seal key in this database: refused while it is the current key
-- or any value here may still need it; then recorded, and the key leaves
-- the key file once no database of the cluster needs it.
CREATE OR REPLACE FUNCTION _retire_key(key_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    still text;
    pending text[];
BEGIN
    SELECT * INTO k FROM listguard._keys() x WHERE x.key_id = _retire_key.key_id AND x.kind = 'seal';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = format('seal key %s is not in the keyring', key_id), HINT = 'listguard.keys() lists the keyring.';
    END IF;
    IF k.current THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use', MESSAGE = format('seal key %s is the current key', key_id),
            HINT = 'Make another key current first: listguard.add_key() or listguard.use_key().';
    END IF;
    -- Values written by transactions that began before the key stopped being
    -- current are seen by the check below.
    PERFORM listguard._note_progress('retire_key', NULL, 'waiting for older transactions', 0, 0, 0);
    PERFORM listguard._wait_for_older_transactions();
    SELECT string_agg(CASE WHEN u.key_id IS NULL
                           THEN format('%s.%I: values inside composite or range values, which listguard cannot check',
                                       u.relation, u.column_name)
                           ELSE format('%s.%I: %s values', u.relation, u.column_name, u."values") END, E'\n')
    INTO still FROM listguard._key_usage() u WHERE u.key_id = _retire_key.key_id OR u.key_id IS NULL;
    IF still IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use',
            MESSAGE = format('seal key %s still seals values in this database', key_id), DETAIL = still,
            HINT = 'CALL listguard.reseal_existing() re-seals them under the current key; values in arrays need '
                   'UPDATE ... SET col = ARRAY(SELECT listguard._resealed(x) FROM unnest(col) x).';
    END IF;
    SELECT string_agg(c.object, E'\n' ORDER BY c.object) INTO still
    FROM listguard._email_constants() c WHERE c.key_id = _retire_key.key_id;
    IF still IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'object_in_use',
            MESSAGE = format('seal key %s still seals listguard.email constants kept in the catalogs', key_id),
            DETAIL = still,
            HINT = 'Create these objects again (a default with ALTER TABLE ... ALTER COLUMN ... SET DEFAULT, say): '
                   'their constants are then sealed under the current key.';
    END IF;
    PERFORM listguard._note_progress('retire_key', NULL, 'retiring', 0, 0, 0);
    pending := listguard._retire_key_material(key_id);
    IF cardinality(pending) > 0 THEN
        RAISE NOTICE USING MESSAGE = format('seal key %s is retired in this database', key_id),
            DETAIL = format('It stays in the keyring until these databases retire it too: %s.',
                            array_to_string(pending, ', '));
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _retire_key(text) FROM PUBLIC;

-- Retention of the audit trail: archive_audit() moves old events into
-- sealed segment files (listguard.audit_archive_directory), recorded in
-- audit_archives; what archived events said of canaries is kept for
-- trace() and report_canary_hit().
-- audit_archives and canary_reveal_history are written by archive_audit()
-- only; a row a superuser inserts is a restore's (an archive record is
-- marked restored); every other change by a superuser is recorded, other
-- roles are refused.
CREATE FUNCTION _archive_guard() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_audit_archives_guard' LANGUAGE C;
REVOKE ALL ON FUNCTION _archive_guard() FROM PUBLIC;
-- The segments archive_audit() wrote: which events each holds, the chain's
-- head before and after them, sealed with the audit key like the segment
-- itself. verify_audit() goes on from the last one's exit link; dumps carry
-- them, so that a restored log (which starts after its archived events)
-- verifies too (restored_at marks those). gap_events and last_gap_at say
-- whether the archived events held audit_gap events (canary verdicts need
-- to know).
CREATE TABLE audit_archives (
    segment     text PRIMARY KEY,
    source      text NOT NULL,
    first_id    bigint NOT NULL,
    last_id     bigint NOT NULL,
    entry_link  bytea NOT NULL,
    exit_link   bytea NOT NULL,
    events      bigint NOT NULL,
    archived_at timestamptz NOT NULL,
    seal        bytea NOT NULL,
    gap_events  bigint NOT NULL DEFAULT 0,
    last_gap_at timestamptz,
    restored_at timestamptz
);
CREATE UNIQUE INDEX audit_archives_last_id ON audit_archives (last_id);
REVOKE ALL ON audit_archives FROM PUBLIC;
GRANT SELECT ON audit_archives TO listguard_admin, listguard_monitor, pg_monitor;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_archives', '');
CREATE TRIGGER audit_archives_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_archives
    FOR EACH ROW EXECUTE FUNCTION _archive_guard();
CREATE TRIGGER audit_archives_truncated BEFORE TRUNCATE ON audit_archives
    FOR EACH STATEMENT EXECUTE FUNCTION _archive_guard();
-- What archived clear_reveal events said of canaries (their sealed records):
-- when each canary was first and last revealed, and in how many events.
-- trace() and report_canary_hit() read it with the events still in the
-- table, so that archiving does not erase the evidence.
CREATE TABLE canary_reveal_history (
    canary         bigint PRIMARY KEY,
    first_revealed timestamptz NOT NULL,
    last_revealed  timestamptz NOT NULL,
    reveals        bigint NOT NULL
);
REVOKE ALL ON canary_reveal_history FROM PUBLIC;
GRANT SELECT ON canary_reveal_history TO listguard_admin;
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_reveal_history', '');
CREATE TRIGGER canary_reveal_history_guard BEFORE INSERT OR UPDATE OR DELETE ON canary_reveal_history
    FOR EACH ROW EXECUTE FUNCTION _archive_guard();
CREATE TRIGGER canary_reveal_history_truncated BEFORE TRUNCATE ON canary_reveal_history
    FOR EACH STATEMENT EXECUTE FUNCTION _archive_guard();
-- The canaries a clear_reveal event's sealed record holds (what
-- archive_audit() keeps of archived events).
CREATE FUNCTION _canary_reveal_ids(record text) RETURNS bigint[]
    AS 'MODULE_PATHNAME', 'lg_canary_reveal_ids' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _canary_reveal_ids(text) FROM PUBLIC;
-- Moves the audit log's events older than `before` into a segment file in
-- listguard.audit_archive_directory (on the server), checked as they are
-- written, and out of the table, in one transaction that records the
-- segment in audit_archives and appends an audit_archived event. Returns
-- the segment's name, its events and how many of each kind; no row when
-- nothing is that old.
CREATE FUNCTION archive_audit(before timestamptz)
    RETURNS TABLE (segment text, first_id bigint, last_id bigint, events bigint, kinds jsonb)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _archive_audit(before timestamptz)
    RETURNS TABLE (segment text, first_id bigint, last_id bigint, events bigint, kinds jsonb)
    AS 'MODULE_PATHNAME', 'lg_archive_audit' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _archive_audit(timestamptz) FROM PUBLIC;
-- Checks archived segments offline: one segment (its name in the archive
-- directory, or, for superusers, any path), or every segment of a
-- directory (the archive directory by default) and how they chain, and
-- this database's record of what it archived against what is there. A row
-- per segment: a segment changed, cut, renamed, moved, or missing between
-- or after others is not ok, with the first event concerned.
CREATE FUNCTION verify_audit_archive(path text DEFAULT NULL)
    RETURNS TABLE (segment text, ok boolean, first_id bigint, last_id bigint, checked bigint, first_broken bigint,
                   problem text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _verify_audit_archive(path text)
    RETURNS TABLE (segment text, ok boolean, first_id bigint, last_id bigint, checked bigint, first_broken bigint,
                   problem text)
    AS 'MODULE_PATHNAME', 'lg_verify_audit_archive' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _verify_audit_archive(text) FROM PUBLIC;
-- The events of an archived segment that verifies, as audit_log held them.
CREATE FUNCTION read_audit_archive(segment text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
CREATE FUNCTION _read_audit_archive(segment text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'lg_read_audit_archive' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _read_audit_archive(text) FROM PUBLIC;
-- What the audit trail says of a planted canary: its role's clear reveals of
-- the canary's list since planting, and when the role (or a member, or its
-- login under another role) read this canary in clear — from the
-- clear_reveal events (kept while listguard.audit_reveals is on), whose
-- sealed "canaries" record counts the role's own canaries among the values.
-- Events archived since (archive_audit()) left when the canary was read in
-- canary_reveal_history; clear_reveals counts what the table still holds.
CREATE OR REPLACE FUNCTION _canary_reveals(c listguard.canaries, OUT clear_reveals bigint, OUT first_revealed timestamptz,
                                OUT last_revealed timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.clear_reveals, least(s.first_revealed, h.first_revealed), greatest(s.last_revealed, h.last_revealed)
    FROM (SELECT coalesce(sum((a.counts->>'clear')::bigint)
                              FILTER (WHERE a.account = c.account
                                        AND a.list IS NOT DISTINCT FROM coalesce(c.list, 0)), 0) AS clear_reveals,
                 min(a.logged_at) FILTER (WHERE listguard._canary_reveal_count(a.detail->>'canaries', c.id) > 0)
                     AS first_revealed,
                 max(a.logged_at) FILTER (WHERE listguard._canary_reveal_count(a.detail->>'canaries', c.id) > 0)
                     AS last_revealed
          FROM listguard.audit_log a
          WHERE a.kind = 'clear_reveal' AND a.logged_at >= c.planted_at
            AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN (a.detail->>'role', a.session_user_name)
                        AND listguard._is_member_of(r.oid::regrole, c.role))) s
    LEFT JOIN listguard.canary_reveal_history h ON h.canary = c.id
$$;
REVOKE ALL ON FUNCTION _canary_reveals(listguard.canaries) FROM PUBLIC;
-- A spam trap hit: mail arrived at an address. An event (and a NOTIFY on
-- listguard_canary, ids only) when it is a canary; marked a probable guess
-- when its role never read it in clear.
CREATE OR REPLACE FUNCTION _report_canary_hit(address text, seen_at timestamptz, source text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    digest bytea := listguard._loose_digest(address);
    c listguard.canaries;
    revealed timestamptz;
    gap boolean;
BEGIN
    IF digest IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_text_representation',
            MESSAGE = 'invalid input syntax for type listguard.email',
            DETAIL = 'report_canary_hit() needs the address the mail was sent to.';
    END IF;
    SELECT * INTO c FROM listguard.canaries k
    WHERE k.role IS NOT NULL AND listguard._loose_digest_of(k.address) = digest
    ORDER BY k.planted_at DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT r.first_revealed INTO revealed FROM listguard._canary_reveals(c) r;
    -- Events the audit log could not take since the planting (a flood, say)
    -- may have been its reveal: then nobody can say it was a guess.
    SELECT count(*) > 0 INTO gap FROM listguard.audit_log a WHERE a.kind = 'audit_gap' AND a.logged_at >= c.planted_at;
    -- ... archived ones included.
    gap := gap OR EXISTS (SELECT 1 FROM listguard.audit_archives r WHERE r.last_gap_at >= c.planted_at);
    PERFORM listguard._record_canary_event('hit', c.id, c.account, c.list,
        jsonb_build_object('role', c.role::text, 'seen_at', seen_at, 'source', source,
                           'revealed', revealed IS NOT NULL,
                           'verdict', CASE WHEN revealed IS NOT NULL AND (seen_at IS NULL OR seen_at >= revealed)
                                           THEN 'leak'
                                           WHEN gap THEN 'unknown: the audit trail has a gap since planting'
                                           ELSE 'probable guessing' END),
        c.address);
    PERFORM pg_notify('listguard_canary', json_build_object('canary', c.id, 'event', 'hit')::text);
END
$$;
REVOKE ALL ON FUNCTION _report_canary_hit(text, timestamptz, text) FROM PUBLIC;
