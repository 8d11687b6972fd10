CREATE FUNCTION _explain_access(role regrole, principal text)
    RETURNS TABLE (account bigint, list bigint, reveal text, can_write boolean, quota text,
                   valid_until timestamptz, from_networks cidr[], grant_id bigint, via_role regrole, request_id bigint,
                   sends boolean, ceiling_grant bigint, ceiling_reveal text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p listguard.application_users;
BEGIN
    IF principal IS NULL THEN
        RETURN QUERY
        SELECT g.account, g.list, g.reveal, g.can_write, g.quota, g.valid_until, g.from_networks, g.id, g.grantee,
               g.request_id, g.sends, NULL::bigint, NULL::text
        FROM listguard.grants g
        WHERE listguard.role_receives_grants_of(role, g.grantee)
        ORDER BY g.account NULLS FIRST, g.list NULLS FIRST, g.id;
        RETURN;
    END IF;
    SELECT * INTO p FROM listguard.application_users u WHERE u.name = _explain_access.principal;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', principal),
            HINT = 'listguard.principals lists them.';
    END IF;
    -- Reveal levels in the order of what they show.
    RETURN QUERY
    WITH levels(name, rank) AS (VALUES ('masked', 0), ('pseudonym', 1), ('sealed', 2), ('clear', 3)),
    apps AS (
        SELECT a.role AS app FROM listguard.applications a WHERE _explain_access.role IS NULL
        UNION ALL SELECT _explain_access.role WHERE _explain_access.role IS NOT NULL
    ),
    pairs AS (
        SELECT pg.*, x.app, ag.id AS ag_id, ag.reveal AS ag_reveal, ag.can_write AS ag_write,
               ag.valid_until AS ag_until, ag.sends AS ag_sends, ag.account AS ag_account, ag.list AS ag_list,
               ag.grantee AS ag_grantee
        FROM listguard.grants pg CROSS JOIN apps x
        LEFT JOIN listguard.grants ag
               ON ag.grantee IS NOT NULL AND listguard.role_receives_grants_of(x.app, ag.grantee)
              AND (pg.account IS NULL OR ag.account IS NULL OR pg.account = ag.account)
              AND (pg.list IS NULL OR ag.list IS NULL OR pg.list = ag.list)
        WHERE pg.principal = p.id
    )
    SELECT coalesce(x.account, x.ag_account), coalesce(x.list, x.ag_list),
           CASE WHEN x.ag_id IS NULL THEN NULL
                ELSE (SELECT l.name FROM levels l
                      WHERE l.rank = least((SELECT r.rank FROM levels r WHERE r.name = x.reveal),
                                           (SELECT r.rank FROM levels r WHERE r.name = x.ag_reveal))) END,
           x.can_write AND coalesce(x.ag_write, false), x.quota,
           CASE WHEN x.valid_until IS NULL THEN x.ag_until WHEN x.ag_until IS NULL THEN x.valid_until
                ELSE least(x.valid_until, x.ag_until) END,
           x.from_networks, x.id, x.app, x.request_id, x.sends AND coalesce(x.ag_sends, false), x.ag_id,
           x.ag_reveal
    FROM pairs x
    ORDER BY x.app::text, coalesce(x.account, x.ag_account) NULLS FIRST, coalesce(x.list, x.ag_list) NULLS FIRST, x.id,
             x.ag_id;
END
$$;
REVOKE ALL ON FUNCTION _explain_access(regrole, text) FROM PUBLIC;
