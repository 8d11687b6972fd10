-- The Ed25519 public keys an application signs its assertions with (more
-- than one while a key is rotated). key_id is the key's JWK thumbprint
-- (RFC 7638), which an assertion may name in its header's kid. A key
-- belongs to one application.
CREATE TABLE application_keys (
    key_id     text PRIMARY KEY,
    role       regrole NOT NULL,
    public_key text NOT NULL UNIQUE,
    added_by   regrole NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON application_keys FROM PUBLIC;
GRANT SELECT ON application_keys TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.application_keys', '');
CREATE TRIGGER application_keys_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_keys
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER application_keys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON application_keys
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
