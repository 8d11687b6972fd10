-- protect() of a Citus table stamps the rows already there, in its shards
-- on every node: one UPDATE through Citus (the table is locked already;
-- Citus runs it on each placement over the connection that holds the
-- lock), as the extension's owner, before the table has listguard's
-- triggers. Values already stamped keep their stamp, as _stamp_batch()
-- keeps them.
CREATE FUNCTION _citus_stamp(tbl regclass) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p record;
    sets text;
    unstamped text;
    stamped bigint;
BEGIN
    SELECT q.account_column, q.list_column INTO p FROM listguard.protected_tables q WHERE q.relid = tbl;
    SELECT string_agg(format('%1$I = listguard._citus_stamped(%1$I, %2$I::pg_catalog.int8, %3$s::pg_catalog.int8)',
                             a.attname, p.account_column, coalesce(quote_ident(p.list_column), '0')), ', '),
           string_agg(format('listguard._citus_unstamped(%I)', a.attname), ' OR ')
      INTO sets, unstamped
      FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
       AND (a.atttypid = 'listguard.email'::regtype
            OR (ty.typtype = 'd' AND ty.typbasetype = 'listguard.email'::regtype));
    IF sets IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('UPDATE %s SET %s WHERE %s', tbl, sets, unstamped);
    GET DIAGNOSTICS stamped = ROW_COUNT;
    IF stamped > 0 THEN
        PERFORM listguard._record_protection_event(tbl, jsonb_build_object('action', 'stamp existing rows',
                                                                           'stamped', stamped));
    END IF;
    RETURN stamped;
END
$$;
REVOKE ALL ON FUNCTION _citus_stamp(regclass) FROM PUBLIC;
