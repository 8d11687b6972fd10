CREATE FUNCTION protect(tbl regclass, account_column name, list_column name DEFAULT NULL,
                        audit text DEFAULT 'statement', stamp text DEFAULT 'now') RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
