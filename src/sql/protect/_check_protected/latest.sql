-- Refuses a table that runs or could run code of a non-admin, or whose
-- account and list columns are not what protect() was given.
CREATE FUNCTION _check_protected(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    scope name;
    column_type regtype;
BEGIN
    PERFORM listguard._refuse_untrusted(tbl);
    FOR scope IN SELECT unnest(ARRAY[p.account_column, p.list_column]) FROM listguard.protected_tables p
                 WHERE p.relid = tbl LOOP
        CONTINUE WHEN scope IS NULL;
        SELECT a.atttypid::regtype INTO column_type FROM pg_attribute a
        WHERE a.attrelid = tbl AND a.attname = scope AND a.attnum > 0 AND NOT a.attisdropped;
        IF column_type IS NULL OR column_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            RAISE EXCEPTION USING ERRCODE = 'datatype_mismatch',
                MESSAGE = format('protected table %s needs integer column %I', tbl, scope),
                DETAIL = 'Account and list columns must be smallint, integer or bigint.';
        END IF;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _check_protected(regclass) FROM PUBLIC;
