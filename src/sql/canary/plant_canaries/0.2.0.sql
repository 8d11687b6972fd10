CREATE FUNCTION plant_canaries(tbl regclass, account bigint, list bigint, roles regrole[] DEFAULT NULL,
                               per_role integer DEFAULT 3) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
