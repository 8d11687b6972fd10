-- Who may see what. Changed only through grant_access() and revoke_access().
-- A grant is to a role (grantee) or to a principal (an application user,
-- listguard.application_users.id), never both.
CREATE TABLE grants (
    id            bigserial PRIMARY KEY,
    grantee       regrole,
    account       bigint CHECK (account > 0),
    list          bigint CHECK (list > 0),
    reveal        text NOT NULL CHECK (reveal IN ('masked', 'pseudonym', 'sealed', 'clear')),
    can_write     boolean NOT NULL DEFAULT false,
    quota         text,
    quota_limit   bigint,
    quota_window  bigint,
    on_exceed     text NOT NULL DEFAULT 'error' CHECK (on_exceed IN ('error', 'mask')),
    valid_until   timestamptz,
    from_networks cidr[],
    reason        text,
    granted_by    regrole NOT NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    request_id    bigint,           -- the access request whose approval made it
    sends         boolean NOT NULL DEFAULT false, -- a sender (the MTA): sees every canary in its scope
    principal     bigint,           -- an application user instead of a role
    CHECK (list IS NULL OR account IS NOT NULL),
    CONSTRAINT grants_grantee_or_principal CHECK ((grantee IS NULL) <> (principal IS NULL)),
    CHECK ((quota IS NULL) = (quota_limit IS NULL) AND (quota IS NULL) = (quota_window IS NULL))
);
REVOKE ALL ON grants FROM PUBLIC;
GRANT SELECT ON grants TO listguard_admin, listguard_backup;
CREATE INDEX grants_principal ON grants (principal) WHERE principal IS NOT NULL;
SELECT pg_catalog.pg_extension_config_dump('listguard.grants', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.grants_id_seq', '');
GRANT SELECT ON SEQUENCE grants_id_seq TO listguard_backup;
CREATE TRIGGER grants_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
