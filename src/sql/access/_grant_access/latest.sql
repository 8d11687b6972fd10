-- grant_access(): under listguard.two_person_rule, a grant of clear or
-- sealed access or of writing waits, as a request, for a second person (a
-- grant to a principal too).
CREATE FUNCTION _grant_access(
    grantee regrole, account bigint, list bigint, reveal text, can_write boolean, quota text,
    valid_until timestamptz, from_networks cidr[], reason text, on_exceed text, sends boolean, principal text)
    RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    request bigint;
BEGIN
    IF NOT current_setting('listguard.two_person_rule')::boolean
       OR (reveal NOT IN ('clear', 'sealed') AND can_write IS NOT TRUE AND sends IS NOT TRUE) THEN
        RETURN listguard._make_grant(grantee, account, list, reveal, can_write, quota, valid_until, from_networks,
                                     reason, on_exceed, listguard.calling_role(), NULL, false, sends, principal);
    END IF;
    PERFORM listguard._make_grant(grantee, account, list, reveal, can_write, quota, valid_until, from_networks,
                                  reason, on_exceed, listguard.calling_role(), NULL, true, sends, principal);
    INSERT INTO listguard.requests (requester, grantee, kind, account, list, reveal, can_write, quota, on_exceed,
                                    valid_until, from_networks, reason, expires_at, sends, principal)
    VALUES (listguard.calling_role(), grantee, 'grant', account, list, reveal, can_write, quota, on_exceed,
            valid_until, from_networks, coalesce(reason, ''),
            now() + current_setting('listguard.request_ttl')::interval, sends,
            (SELECT u.id FROM listguard.application_users u WHERE u.name = _grant_access.principal))
    RETURNING id INTO request;
    PERFORM listguard._request_opened(request);
    PERFORM listguard._mark_pending_grant();
    RAISE NOTICE 'listguard: under the two-person rule this grant waits for approval as request %', request
        USING HINT = format('Another administrator or an approver runs: SELECT listguard.approve(%s);', request);
    RETURN request;
END
$$;
REVOKE ALL ON FUNCTION _grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, boolean, text) FROM PUBLIC;
