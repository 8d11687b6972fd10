-- plant_canaries(..., principals => ...): canaries of principals, each seen
-- by its principal and by its application acting for nobody (not for anyone
-- else), planted through the application that reads the list for them.
CREATE FUNCTION plant_canaries(tbl regclass, account bigint, list bigint, principals text[],
                               per_principal integer DEFAULT 3, application regrole DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
