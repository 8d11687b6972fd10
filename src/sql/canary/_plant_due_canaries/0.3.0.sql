-- Plants the planned canaries that are due (plan_canaries()), the longest
-- due first, at most at_most of them: call it from a job every few minutes.
-- A plan that cannot be planted now (its list has no rows yet, the pool and
-- the canary domains are empty) stays, with a WARNING; one whose table is no
-- longer protected goes.
CREATE FUNCTION _plant_due_canaries(at_most integer) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    plan listguard.canary_plans;
    planted integer := 0;
    message text;
BEGIN
    PERFORM listguard._quiet_planting(); -- no count in pg_stat_* tells the moment
    IF at_most IS NOT NULL AND at_most < 1 THEN
        PERFORM listguard._invalid(format('invalid at_most %s', at_most), 'Plant at least one, or pass NULL for all.');
    END IF;
    FOR plan IN SELECT * FROM listguard.canary_plans c WHERE c.due_at <= now()
                ORDER BY c.due_at LIMIT at_most FOR UPDATE SKIP LOCKED LOOP
        IF NOT EXISTS (SELECT 1 FROM listguard.protected_tables q WHERE q.relid = plan.relid) THEN
            DELETE FROM listguard.canary_plans c WHERE c.id = plan.id;
            CONTINUE;
        END IF;
        BEGIN
            planted := planted + listguard._plant_canaries(plan.relid, plan.account, plan.list, ARRAY[plan.role], 1);
            DELETE FROM listguard.canary_plans c WHERE c.id = plan.id;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
            RAISE WARNING 'listguard: a planned canary of % could not be planted: %', plan.relid, message;
        END;
    END LOOP;
    RETURN planted;
END
$$;
REVOKE ALL ON FUNCTION _plant_due_canaries(integer) FROM PUBLIC;
