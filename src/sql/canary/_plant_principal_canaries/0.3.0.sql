-- Plants each principal's canaries as the application's (the role-based
-- planting, unchanged), then makes them the principal's. The application:
-- the one given, else the only registered application with a clear grant
-- on the list.
CREATE FUNCTION _plant_canaries(tbl regclass, account bigint, list bigint, principals text[], per_principal integer,
                                application regrole) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    apps regrole[];
    who text;
    pid bigint;
    before bigint[];
    planted integer := 0;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
    IF principals IS NULL OR cardinality(principals) = 0 OR array_position(principals, NULL) IS NOT NULL THEN
        PERFORM listguard._invalid('principals must name principals', 'plant_canaries() plants for each one named.');
    END IF;
    IF application IS NULL THEN
        SELECT array_agg(DISTINCT a.role) INTO apps FROM listguard.applications a JOIN listguard.grants g
          ON listguard.role_receives_grants_of(a.role, g.grantee)
        WHERE g.reveal = 'clear' AND (g.account IS NULL OR g.account = _plant_canaries.account)
          AND (g.list IS NULL OR g.list = _plant_canaries.list);
        IF cardinality(apps) IS DISTINCT FROM 1 THEN
            PERFORM listguard._invalid(format('%s applications read this list in clear', coalesce(cardinality(apps), 0)),
                'A principal''s canaries are planted through the application that reads the list for it.',
                'Name it: plant_canaries(..., application => ''webapp'').');
        END IF;
        application := apps[1];
    ELSIF NOT EXISTS (SELECT 1 FROM listguard.applications a WHERE a.role = application) THEN
        PERFORM listguard._invalid(format('role %s is not an application', application),
            'listguard.add_application() registers applications.');
    END IF;
    FOREACH who IN ARRAY principals LOOP
        SELECT u.id INTO pid FROM listguard.application_users u WHERE u.name = who;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', who);
        END IF;
        SELECT coalesce(array_agg(c.id), '{}') INTO before FROM listguard.canaries c WHERE c.role IS NOT NULL;
        planted := planted + listguard._plant_canaries(tbl, account, list, ARRAY[application], per_principal);
        UPDATE listguard.canaries c SET principal = pid
        WHERE c.role = application AND c.principal IS NULL AND c.id <> ALL (before);
    END LOOP;
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_canaries(regclass, bigint, bigint, text[], integer, regrole) FROM PUBLIC;
