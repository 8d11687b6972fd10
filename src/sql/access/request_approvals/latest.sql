CREATE TABLE request_approvals (
    request_id       bigint NOT NULL REFERENCES requests ON DELETE CASCADE,
    approver         regrole NOT NULL,  -- the approving role (current_user)
    approver_session regrole NOT NULL,  -- its session user
    approved_at      timestamptz NOT NULL DEFAULT now(),
    comment          text,
    PRIMARY KEY (request_id, approver)
);
REVOKE ALL ON request_approvals FROM PUBLIC;
GRANT SELECT ON request_approvals TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.request_approvals', '');
CREATE TRIGGER request_approvals_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON request_approvals
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
