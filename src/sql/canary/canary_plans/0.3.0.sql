-- Canaries to plant later (plan_canaries()), one row each: the protection
-- root, list and role it is for, and when it is due. plant_due_canaries()
-- plants those due, so that canaries arrive one at a time among real
-- signups. Readable by admins (and backups) only; changed through listguard's functions
-- only.
CREATE TABLE canary_plans (
    id         bigserial PRIMARY KEY,
    relid      regclass NOT NULL,
    account    bigint NOT NULL,
    list       bigint,
    role       regrole NOT NULL,
    due_at     timestamptz NOT NULL,
    planned_by regrole NOT NULL,
    planned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canary_plans_due ON canary_plans (due_at);
REVOKE ALL ON canary_plans FROM PUBLIC;
GRANT SELECT ON canary_plans TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_plans', '');
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_plans_id_seq', '');
GRANT SELECT ON SEQUENCE canary_plans_id_seq TO listguard_backup;
CREATE TRIGGER canary_plans_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON canary_plans
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
