-- Hides canary rows of a protected table (every one: a copy of a canary may
-- land in any) from everyone but their role and senders: the policies that
-- decide which rows are read, updated and deleted look at the address too
-- (one call per row, as before). What a
-- writer adds is checked as before: a row it adds is never one it cannot add.
CREATE FUNCTION _canary_policy(tbl regclass, account_column name, list_column name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    email_column name := listguard._canary_column(tbl);
    scope text := format('%I, %s', account_column, coalesce(quote_ident(list_column), '0'));
BEGIN
    IF email_column IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER POLICY listguard_read ON %s USING (listguard.can_read(%s, %I))', tbl, scope, email_column);
    EXECUTE format('ALTER POLICY listguard_update ON %s USING (listguard.can_write(%s, %I))', tbl, scope, email_column);
    EXECUTE format('ALTER POLICY listguard_delete ON %s USING (listguard.can_write(%s, %I))', tbl, scope, email_column);
END
$$;
REVOKE ALL ON FUNCTION _canary_policy(regclass, name, name) FROM PUBLIC;
