-- Registers a role as an application with one more public key (a second
-- key while the first is rotated out), and sets its rules where given (a
-- new application: false unless said). Returns the key's id (its JWK
-- thumbprint), which assertions may name as kid.
CREATE FUNCTION _add_application(role regrole, public_key text, require_principal boolean,
                                 session_principals boolean) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    owner regrole;
BEGIN
    IF role IS NULL OR public_key IS NULL THEN
        PERFORM listguard._invalid('role and public_key must not be null',
            'add_application() registers a role with the Ed25519 public key its assertions are signed with.');
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE oid = role) THEN
        PERFORM listguard._invalid(format('role %s is a superuser', role),
            'An application''s principals are bounded by the application''s grants; a superuser is bounded by '
            'nothing listguard can enforce.');
    END IF;
    SELECT * INTO k FROM listguard._application_key(public_key);
    SELECT a.role INTO owner FROM listguard.application_keys a WHERE a.key_id = k.key_id;
    IF owner IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'duplicate_object',
            MESSAGE = format('key %s is registered already', k.key_id),
            DETAIL = CASE WHEN owner = role THEN format('It is a key of %s.', role)
                          ELSE 'It belongs to another application: a key signs for one application only.' END;
    END IF;
    -- Every database must know that this role now carries listguard power.
    PERFORM listguard._mark_grantee(role);
    INSERT INTO listguard.applications AS a (role, require_principal, session_principals, added_by)
    VALUES (role, coalesce(require_principal, false), coalesce(session_principals, false), listguard.calling_role())
    ON CONFLICT ON CONSTRAINT applications_pkey DO UPDATE
        SET require_principal = coalesce(_add_application.require_principal, a.require_principal),
            session_principals = coalesce(_add_application.session_principals, a.session_principals);
    INSERT INTO listguard.application_keys (key_id, role, public_key, added_by)
    VALUES (k.key_id, role, k.public_key, listguard.calling_role());
    RETURN k.key_id;
END
$$;
REVOKE ALL ON FUNCTION _add_application(regrole, text, boolean, boolean) FROM PUBLIC;
