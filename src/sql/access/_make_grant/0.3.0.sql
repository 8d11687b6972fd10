-- Checks a grant and, unless check_only, makes it (granted_by: who made it;
-- request_id: the access request whose approval made it). A grant goes to a
-- role (grantee) or to a principal (by name), whose own account, if it has
-- one, bounds it.
CREATE FUNCTION _make_grant(
    grantee regrole, account bigint, list bigint, reveal text, can_write boolean, quota text,
    valid_until timestamptz, from_networks cidr[], reason text, on_exceed text,
    granted_by regrole, request_id bigint, check_only boolean, sends boolean DEFAULT false,
    principal text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    q_limit bigint;
    q_window bigint;
    new_id bigint;
    untrusted text;
    pr listguard.application_users;
BEGIN
    IF grantee IS NULL AND principal IS NULL THEN
        PERFORM listguard._invalid('grantee must not be null', 'grant_access() needs the role that receives the grant.');
    END IF;
    IF grantee IS NOT NULL AND principal IS NOT NULL THEN
        PERFORM listguard._invalid('a grant goes to a role or to a principal, not both',
            'A principal''s rights are its own grants cut down to its application''s: grant the application role '
            'and the principal separately.');
    END IF;
    IF principal IS NOT NULL THEN
        SELECT * INTO pr FROM listguard.application_users u WHERE u.name = _make_grant.principal;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = format('principal %L does not exist', principal),
                HINT = format('An administrator creates it: SELECT listguard.create_principal(%L);', principal);
        END IF;
        IF pr.account IS NOT NULL AND account IS DISTINCT FROM pr.account THEN
            PERFORM listguard._invalid(format('principal %L belongs to account %s', principal, pr.account),
                'A grant to a principal of a customer account stays within that account.',
                format('Grant account %s (or one of its lists).', pr.account));
        END IF;
    END IF;
    IF reveal IS NULL OR reveal NOT IN ('masked', 'pseudonym', 'sealed', 'clear') THEN
        PERFORM listguard._invalid(format('invalid reveal level %L', reveal),
            'The reveal level must be one of masked, pseudonym, sealed and clear.');
    END IF;
    IF account IS NOT NULL AND account <= 0 THEN
        PERFORM listguard._invalid(format('invalid account id %s', account), 'Account ids are positive numbers.',
            'Use NULL for every account.');
    END IF;
    IF list IS NOT NULL AND list <= 0 THEN
        PERFORM listguard._invalid(format('invalid list id %s', list), 'List ids are positive numbers.',
            'Use NULL for every list of the account.');
    END IF;
    IF list IS NOT NULL AND account IS NULL THEN
        PERFORM listguard._invalid('a list grant needs an account', 'List ids are only unique within an account.');
    END IF;
    IF on_exceed IS NULL OR on_exceed NOT IN ('error', 'mask') THEN
        PERFORM listguard._invalid(format('invalid on_exceed %L', on_exceed),
            'What happens when the quota is used up: error (the statement fails) or mask (values are shown masked).');
    END IF;
    IF on_exceed = 'mask' AND quota IS NULL THEN
        PERFORM listguard._invalid('on_exceed needs a quota', 'Without a quota there is nothing to exceed.');
    END IF;
    IF can_write IS NULL THEN
        PERFORM listguard._invalid('can_write must not be null', 'Say true or false.');
    END IF;
    IF sends IS NULL THEN
        PERFORM listguard._invalid('sends must not be null', 'Say true for the role that sends campaigns (it sees '
                                   'every canary of its lists), false for any other.');
    END IF;
    IF quota IS NOT NULL THEN
        SELECT p.quota_limit, p.window_seconds INTO q_limit, q_window FROM listguard.quota_parts(quota) p;
    END IF;
    IF valid_until IS NOT NULL AND valid_until <= now() THEN
        PERFORM listguard._invalid('valid_until is in the past', 'A grant must be valid for some time after it is made.',
            'Use NULL for a grant that does not expire.');
    END IF;
    IF from_networks IS NOT NULL AND (cardinality(from_networks) = 0 OR array_position(from_networks, NULL) IS NOT NULL) THEN
        PERFORM listguard._invalid('from_networks must list networks',
            'It is empty or holds a null, which no connection could match.', 'Use NULL for any network.');
    END IF;
    -- Whoever already belongs to the grantee receives the grant too: a
    -- membership a non-administrator (a CREATEROLE role) arranged before the
    -- grant existed must not carry it. (A principal has no members.)
    SELECT string_agg(format('%s belongs to %s by grant of %s', m.member, m.via, m.grantor), E'\n' ORDER BY m.member::text)
    INTO untrusted FROM listguard._untrusted_members(grantee) m;
    IF untrusted IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s has members that no administrator let in', grantee),
            DETAIL = untrusted,
            HINT = 'An administrator can revoke and grant these memberships again (they would receive the grant), '
                   'or grant to another role.';
    END IF;
    -- A backup login reads every row sealed and can tell canaries apart:
    -- it may not read addresses too (role_guard.cpp refuses the same from
    -- the other side).
    IF EXISTS (SELECT 1 FROM pg_roles r
               WHERE NOT r.rolsuper AND (r.oid = grantee OR pg_has_role(r.oid, grantee, 'USAGE'))
                 AND pg_has_role(r.oid, 'listguard_backup', 'MEMBER')) THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %s cannot both back up and hold listguard grants', grantee),
            DETAIL = 'It or a role that receives its grants belongs to listguard_backup, which reads every row '
                     'sealed and can tell canaries apart.',
            HINT = 'Use a separate login for backups, with no listguard grants.';
    END IF;
    -- So do the settings stored for it or its members (ALTER ROLE ... SET
    -- search_path, say), which decide what their sessions run.
    PERFORM listguard._check_role_settings(grantee);
    IF check_only THEN
        RETURN NULL;
    END IF;
    -- Every database must know that this role now carries listguard power.
    IF grantee IS NOT NULL THEN
        PERFORM listguard._mark_grantee(grantee);
    END IF;
    INSERT INTO listguard.grants (grantee, account, list, reveal, can_write, quota, quota_limit, quota_window,
                                  on_exceed, valid_until, from_networks, reason, granted_by, request_id, sends, principal)
    VALUES (grantee, account, list, reveal, can_write, quota, q_limit, q_window,
            on_exceed, valid_until, from_networks, reason, granted_by, request_id, sends, pr.id)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION _make_grant(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, regrole, bigint, boolean, boolean, text) FROM PUBLIC;
