CREATE FUNCTION plant_due_canaries(at_most integer DEFAULT NULL) RETURNS integer
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
