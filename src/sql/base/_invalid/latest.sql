CREATE FUNCTION _invalid(message text, detail text, hint text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = message, DETAIL = detail,
                          HINT = coalesce(hint, '');
END
$$;
REVOKE ALL ON FUNCTION _invalid(text, text, text) FROM PUBLIC;
