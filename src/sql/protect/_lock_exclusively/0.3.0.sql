-- Takes ACCESS EXCLUSIVE on a table in use without stalling it: while a lock
-- request waits, every session that comes after it waits behind it, so the
-- request is made with a short lock_timeout, again and again with a pause
-- between, for about 30 s; after that it waits as LOCK TABLE does.
CREATE FUNCTION _lock_exclusively(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tries integer := 0;
BEGIN
    LOOP
        BEGIN
            -- Local to this function (its SET clause): undone when it returns.
            PERFORM set_config('lock_timeout', '200ms', true);
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
            RETURN;
        EXCEPTION WHEN lock_not_available THEN
            tries := tries + 1;
            EXIT WHEN tries >= 100;
            PERFORM listguard._note_progress('protect', tbl, 'waiting for the table''s lock', 0, 0, 0);
            PERFORM pg_sleep(0.05 + random() * 0.25);
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', '0', true);
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);
END
$$;
REVOKE ALL ON FUNCTION _lock_exclusively(regclass) FROM PUBLIC;
