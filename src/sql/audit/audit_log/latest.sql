-- Appended to by the audit writer only; each event linked to the previous
-- one by an HMAC chain (prev_link, link). Nobody may change it through SQL:
-- privileges stop everyone but superusers, whose changes are recorded.
CREATE TABLE audit_log (
    id                bigint PRIMARY KEY,
    logged_at         timestamptz NOT NULL,
    kind              text NOT NULL,
    session_user_name text NOT NULL,
    current_user_name text NOT NULL,
    client_addr       inet,
    application_name  text,
    backend_pid       integer NOT NULL,
    xid               bigint,
    account           bigint,
    list              bigint,
    relation          text,
    email_digests     bytea[],
    counts            jsonb,
    detail            jsonb NOT NULL,
    prev_link         bytea NOT NULL,
    link              bytea NOT NULL,
    origin            text,                         -- the server that raised it (a standby); null: this one
    format            smallint NOT NULL DEFAULT 1   -- the canonical encoding of its link (1: listguard 0.1)
);
REVOKE ALL ON audit_log FROM PUBLIC;
GRANT SELECT ON audit_log TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_log', '');
CREATE INDEX audit_log_email_digests ON audit_log USING gin (email_digests) WHERE email_digests IS NOT NULL;
CREATE TRIGGER audit_log_modified BEFORE INSERT OR UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_modified();
CREATE TRIGGER audit_log_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_modified();
CREATE TRIGGER audit_log_inserted AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_modified();
CREATE TRIGGER audit_log_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
