-- Who may see what. Changed only through grant_access() and revoke_access().
CREATE TABLE grants (
    id            bigserial PRIMARY KEY,
    grantee       regrole NOT NULL,
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
    CHECK (list IS NULL OR account IS NOT NULL),
    CHECK ((quota IS NULL) = (quota_limit IS NULL) AND (quota IS NULL) = (quota_window IS NULL))
);
REVOKE ALL ON grants FROM PUBLIC;
GRANT SELECT ON grants TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.grants', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.grants_id_seq', '');
GRANT SELECT ON SEQUENCE grants_id_seq TO listguard_backup;
CREATE TRIGGER grants_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
