CREATE FUNCTION verify_audit() RETURNS TABLE (ok boolean, checked bigint, first_broken bigint, problem text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
