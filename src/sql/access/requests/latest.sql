CREATE TABLE requests (
    id            bigserial PRIMARY KEY,
    requester     regrole NOT NULL,     -- who asked (for a pending grant: the admin who called grant_access)
    grantee       regrole,              -- who receives the grant (a role) ...
    kind          text NOT NULL CHECK (kind IN ('access', 'grant')),
    account       bigint,
    list          bigint,
    reveal        text NOT NULL,
    can_write     boolean NOT NULL DEFAULT false,
    quota         text,
    on_exceed     text NOT NULL DEFAULT 'error',
    duration      interval,             -- an access request's
    valid_until   timestamptz,          -- a pending grant's
    from_networks cidr[],
    reason        text NOT NULL,
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'approved', 'denied', 'cancelled', 'expired')),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    decided_by    regrole,
    decided_at    timestamptz,
    comment       text,
    grant_id      bigint,
    sends         boolean NOT NULL DEFAULT false, -- a pending grant's
    principal     bigint,               -- ... or a principal (an application user)
    CONSTRAINT requests_grantee_or_principal CHECK ((grantee IS NULL) <> (principal IS NULL))
);
REVOKE ALL ON requests FROM PUBLIC;
GRANT SELECT ON requests TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.requests', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.requests_id_seq', '');
GRANT SELECT ON SEQUENCE requests_id_seq TO listguard_backup;
CREATE TRIGGER requests_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON requests
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
