-- Canary addresses. One in the pool (role null) waits to be planted; a
-- planted one names the role it was planted for, the protection root of the
-- table that holds its row, and its account and list. A removed canary is
-- kept (removed_at) so that an older leak can still be traced. slot: its
-- number among the canaries of its account, which the sealed records of
-- clear_reveal events note it by (core/canary/reveal_record.h);
-- loose_digest and domain_digest: the keyed digests of its address's loose
-- form and of its domain, which trace_leak() and report_canary_hit() match
-- without opening any address.
CREATE TABLE canaries (
    id          bigserial PRIMARY KEY,
    address     email NOT NULL,
    origin      text NOT NULL CHECK (origin IN ('added', 'generated')),
    added_by    regrole NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    role        regrole,
    relid       regclass,
    column_name name,
    account     bigint,
    list        bigint,
    planted_by  regrole,
    planted_at  timestamptz,
    removed_by  regrole,
    removed_at  timestamptz,
    principal   bigint,            -- planted for a principal (then role is its application)
    slot        integer,
    loose_digest bytea,
    domain_digest bytea,
    CHECK ((role IS NULL) = (planted_at IS NULL))
);
CREATE UNIQUE INDEX canaries_address ON canaries (address);
CREATE UNIQUE INDEX canaries_slot ON canaries (account, slot) WHERE slot IS NOT NULL;
CREATE INDEX canaries_loose_digest ON canaries (loose_digest);
REVOKE ALL ON canaries FROM PUBLIC;
GRANT SELECT ON canaries TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.canaries', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.canaries_id_seq', '');
GRANT SELECT ON SEQUENCE canaries_id_seq TO listguard_backup;
CREATE TRIGGER canaries_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON canaries
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER canaries_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON canaries
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
