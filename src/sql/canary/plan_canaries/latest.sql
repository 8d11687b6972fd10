CREATE FUNCTION plan_canaries(tbl regclass, account bigint, list bigint, roles regrole[] DEFAULT NULL,
                              per_role integer DEFAULT 3, over interval DEFAULT '30 days') RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
