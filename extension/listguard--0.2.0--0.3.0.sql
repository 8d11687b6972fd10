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

-- Citus (docs/citus.md): the catalog on every node, protect() of Citus tables.
-- A Citus worker's link (pg/replica/link.h) takes the coordinator's catalog
-- (grants, protections of Citus tables, canaries; canary addresses in
-- transit) through this: null when the md5 it knows is the catalog's.
CREATE FUNCTION _citus_catalog(known text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_citus_catalog' LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _citus_catalog(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _citus_catalog(text) TO listguard_standby;
-- On a Citus worker: the coordinator's catalog replaces this node's. The
-- coordinator's listguard runs it through Citus as its extension's owner;
-- the function itself refuses any caller but a superuser, and a catalog
-- made under another keyring.
CREATE FUNCTION _citus_apply_catalog(snapshot text) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_citus_apply_catalog' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _citus_apply_catalog(text) FROM PUBLIC;
-- On the coordinator of a Citus cluster: sends the catalog to every other
-- node now, in this transaction (else it goes when the transaction commits).
CREATE FUNCTION _citus_push_catalog() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_citus_push_catalog' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _citus_push_catalog() FROM PUBLIC;
-- Whether a table is a Citus table (distributed, reference or Citus-managed
-- local): protect() stamps its rows on the nodes that hold its shards and
-- lets Citus create its triggers there. False without Citus.
CREATE FUNCTION _citus_table(tbl regclass) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_citus_table' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _citus_table(regclass) FROM PUBLIC;
-- Runs a command on every other node of a Citus cluster as the current user
-- (a superuser: listguard's elevated code, as the extension's owner), in
-- this transaction: committed on them when it commits here.
CREATE FUNCTION _run_on_other_nodes(command text) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_run_on_other_nodes' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _run_on_other_nodes(text) FROM PUBLIC;
-- Stamps the rows that the shards placed on this node hold, of a protected
-- Citus table and the protected tables below it (protect() runs it on every
-- node, as the extension's owner; listguard.protected_tables has the table
-- already: the coordinator sent its catalog first).
CREATE FUNCTION _stamp_local_shards(tbl regclass) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    shard regclass;
    total bigint := 0;
BEGIN
    FOR t IN SELECT p.relid FROM listguard.protected_tables p
             WHERE p.root = (SELECT q.root FROM listguard.protected_tables q WHERE q.relid = tbl) LOOP
        -- shard_name() leaves out the schema public: the shard is in t's schema.
        FOR shard IN SELECT pg_catalog.format('%I.%I', (SELECT n.nspname FROM pg_namespace n JOIN pg_class c
                                                        ON c.relnamespace = n.oid WHERE c.oid = t),
                         (pg_catalog.parse_ident(pg_catalog.shard_name(t, s.shardid)))[
                             pg_catalog.array_length(pg_catalog.parse_ident(pg_catalog.shard_name(t, s.shardid)), 1)])::regclass
                     FROM pg_catalog.pg_dist_shard s
                     JOIN pg_catalog.pg_dist_placement pl ON pl.shardid = s.shardid
                     WHERE s.logicalrelid = t
                       AND pl.groupid = (SELECT g.groupid FROM pg_catalog.pg_dist_local_group g) LOOP
            CONTINUE WHEN (SELECT c.relkind FROM pg_class c WHERE c.oid = shard) <> 'r';
            total := total + listguard._stamp_batch(shard, 0,
                pg_relation_size(shard) / current_setting('block_size')::bigint + 1);
        END LOOP;
    END LOOP;
    RETURN total;
END
$$;
REVOKE ALL ON FUNCTION _stamp_local_shards(regclass) FROM PUBLIC;
-- protect() of a Citus table stamps the rows already there where they are:
-- in the shards on every node (an UPDATE through Citus cannot call the
-- stamping function with the row's columns). The other nodes first get the
-- catalog that says the table is protected, in this transaction.
CREATE FUNCTION _citus_stamp(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM listguard._citus_push_catalog();
    PERFORM listguard._run_on_other_nodes(format('SELECT listguard._stamp_local_shards(%L)', tbl::text));
    PERFORM listguard._stamp_local_shards(tbl);
END
$$;
REVOKE ALL ON FUNCTION _citus_stamp(regclass) FROM PUBLIC;
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
BEGIN
    IF tbl IS NULL OR account_column IS NULL THEN
        PERFORM listguard._invalid('table and account column must not be null', 'protect() needs both.');
    END IF;
    IF audit IS NULL OR audit NOT IN ('statement', 'row', 'off') THEN
        PERFORM listguard._invalid(format('invalid audit level %L', audit),
            'The audit level must be statement, row or off.');
    END IF;
    IF stamp IS NULL OR stamp NOT IN ('now', 'later') THEN
        PERFORM listguard._invalid(format('invalid stamp %L', stamp),
            'now stamps the rows the table already holds before protect() returns; later leaves that to '
            'CALL listguard.stamp_existing(), in committed batches.');
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
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
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
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_one(t, tbl, account_column, list_column, audit);
    END LOOP;
    -- The rows already there take their stamps, so that grants scoped to an
    -- account or list read them as they read new ones. Nothing else sees the
    -- tables until this transaction ends: they are locked.
    IF stamp = 'now' AND listguard._citus_table(tbl) THEN
        -- A Citus table's rows are in its shards, on every node.
        PERFORM listguard._citus_stamp(tbl);
    ELSIF stamp = 'now' THEN
        PERFORM listguard._stamp_batch(p.relid, 0, p.blocks + 1) FROM listguard._stamp_plan(tbl) p;
    END IF;
    -- Citus creates triggers on the shards of its tables only when told to
    -- (undone when this function's elevated call ends).
    IF listguard._citus_table(tbl) THEN
        PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    END IF;
    FOR t IN SELECT tbl UNION ALL SELECT listguard._descendants(tbl) LOOP
        PERFORM listguard._protect_triggers(t, audit);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _protect(regclass, name, name, text, text) FROM PUBLIC;
