-- Removes one key of an application (a rotated-out key), or, without a
-- key id, the application and all its keys: its sessions act for nobody
-- from their next value on.
CREATE FUNCTION _drop_application(role regrole, key_id text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF key_id IS NOT NULL THEN
        DELETE FROM listguard.application_keys k WHERE k.key_id = _drop_application.key_id AND k.role = _drop_application.role;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object',
                MESSAGE = format('application %s has no key %s', role, key_id);
        END IF;
        RETURN;
    END IF;
    DELETE FROM listguard.application_keys k WHERE k.role = _drop_application.role;
    DELETE FROM listguard.applications a WHERE a.role = _drop_application.role;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('role %s is not an application', role);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _drop_application(regrole, text) FROM PUBLIC;
