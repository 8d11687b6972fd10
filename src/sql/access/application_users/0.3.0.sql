-- Principals: the people behind application roles (customers' staff,
-- support agents), who reach the database through an application's pooled
-- connections and are no PostgreSQL roles. Granted like roles
-- (grant_access(NULL, ..., principal => name)); an application acts for one
-- per transaction with a signed assertion (act_as). A principal of a
-- customer account (account not null) is granted within that account only.
-- Changed only through create_principal() and drop_principal(); listed by
-- the view listguard.principals.
CREATE TABLE application_users (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 128 AND name !~ '[[:cntrl:]@]' AND name = btrim(name, ' ')),
    account     bigint CHECK (account > 0),
    description text,
    created_by  regrole NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT application_users_name_key UNIQUE (name)
);
REVOKE ALL ON application_users FROM PUBLIC;
GRANT SELECT ON application_users TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.application_users', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.application_users_id_seq', '');
GRANT SELECT ON SEQUENCE application_users_id_seq TO listguard_backup;
CREATE TRIGGER application_users_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_users
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER application_users_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_users
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
