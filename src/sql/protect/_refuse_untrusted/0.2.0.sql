CREATE FUNCTION _refuse_untrusted(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found text;
    how_many bigint;
BEGIN
    SELECT string_agg(format('%s: %s', u.object, u.problem), E'\n' ORDER BY u.object), count(*)
    INTO found, how_many FROM listguard._untrusted_code(tbl) u;
    IF how_many > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('table %s runs code that a non-administrator could change', tbl),
            DETAIL = found,
            HINT = 'Drop these objects, or have a superuser or listguard administrator own what they use (functions, '
                   'types, collations, their schemas, the tables at the other end of foreign keys), pin the search_path '
                   'of SQL and PL/pgSQL functions, then try again.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION _refuse_untrusted(regclass) FROM PUBLIC;
