CREATE FUNCTION unprotect(tbl regclass) RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
