-- Tables under listguard.protect(), and the row-security state they had.
CREATE TABLE protected_tables (
    relid          regclass PRIMARY KEY,
    account_column name NOT NULL,
    list_column    name,
    audit          text NOT NULL CHECK (audit IN ('statement', 'row', 'off')),
    rls_was_enabled boolean NOT NULL,
    rls_was_forced  boolean NOT NULL,
    protected_by   regrole NOT NULL,
    protected_at   timestamptz NOT NULL DEFAULT now(),
    owner_was      regrole,           -- the owner before protect(); given back by unprotect()
    root           regclass NOT NULL  -- the table whose protect() covers this one
);
REVOKE ALL ON protected_tables FROM PUBLIC;
GRANT SELECT ON protected_tables TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.protected_tables', '');
CREATE TRIGGER protected_tables_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON protected_tables
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER protected_tables_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON protected_tables
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
