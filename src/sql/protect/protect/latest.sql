-- Protects a table and every table below it (_protect() does it, as the
-- extension's owner). stamp: 'online' stamps the rows already there while
-- it holds the table's lock, for at most listguard.protect_stamp_budget,
-- and leaves the rest to background stamping (listguard.progress shows
-- it); 'now' stamps them all before it returns; 'later' leaves them to
-- stamp_existing().
CREATE FUNCTION protect(tbl regclass, account_column name, list_column name DEFAULT NULL,
                        audit text DEFAULT 'statement', stamp text DEFAULT 'online') RETURNS void
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
