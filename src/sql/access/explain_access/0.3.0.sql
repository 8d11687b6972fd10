-- The entitlement review: every grant that applies to a role; with a
-- principal, what the principal may do through that application (each of
-- the principal's grants cut down by each of the role's grants it
-- overlaps: the application's grant is the ceiling, ceiling_grant and
-- ceiling_reveal say which and how far; a principal's grant the role has
-- no grant under shows reveal null: nothing through this application). A
-- null role with a principal: through every registered application.
CREATE FUNCTION explain_access(role regrole, principal text DEFAULT NULL)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole, request_id bigint,
                   sends boolean, ceiling_grant bigint, ceiling_reveal text)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C STABLE;
