CREATE FUNCTION grant_access(
    grantee regrole, account bigint, list bigint DEFAULT NULL, reveal text DEFAULT 'masked',
    can_write boolean DEFAULT false, quota text DEFAULT NULL, valid_until timestamptz DEFAULT NULL,
    from_networks cidr[] DEFAULT NULL, reason text DEFAULT NULL, on_exceed text DEFAULT 'error',
    sends boolean DEFAULT false, principal text DEFAULT NULL) RETURNS bigint
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
