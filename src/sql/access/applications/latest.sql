-- Applications: roles whose sessions act for principals (act_as), with the
-- rules of each: require_principal (without a principal its sessions see
-- masks only, or are refused: listguard.missing_principal) and
-- session_principals (act_as(..., session => true) is allowed: for session
-- pooling only; behind a pooler in transaction mode the next client would
-- inherit the principal). Their public keys are in application_keys.
CREATE TABLE applications (
    role               regrole PRIMARY KEY,
    require_principal  boolean NOT NULL DEFAULT false,
    session_principals boolean NOT NULL DEFAULT false,
    added_by           regrole NOT NULL,
    added_at           timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON applications FROM PUBLIC;
GRANT SELECT ON applications TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.applications', '');
CREATE TRIGGER applications_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER applications_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
