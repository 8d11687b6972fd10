CREATE FUNCTION _request_access(account bigint, list bigint, reveal text, duration interval, reason text)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    requester regrole := listguard.calling_role();
    -- An application acting for a principal asks for the principal: the
    -- grant an approval makes is the principal's (still under the
    -- application's ceiling), and nobody else behind the application gets it.
    principal text := listguard.current_principal();
    request bigint;
BEGIN
    IF reason IS NULL OR btrim(reason) = '' THEN
        PERFORM listguard._invalid('an access request needs a reason',
            'Approvers decide from it: say what the access is for (a ticket, an incident).');
    END IF;
    IF duration IS NULL OR duration <= interval '0' THEN
        PERFORM listguard._invalid('the duration of an access request must be positive', 'It is how long the grant lasts.');
    END IF;
    -- A length of time, whatever the calendar or the session's time zone:
    -- a month is the 30 days and a day the 24 hours that the comparison
    -- below counts, so the grant, now() + duration, lasts exactly that
    -- (a calendar month can have 31 days, a day with a clock change 25 hours).
    duration := pg_catalog.make_interval(secs => extract(epoch FROM duration)::float8);
    IF duration > current_setting('listguard.max_request_duration')::interval THEN
        PERFORM listguard._invalid(format('an access request may last at most %s', current_setting('listguard.max_request_duration')),
            format('It asks for %s (listguard.max_request_duration).', duration));
    END IF;
    -- The same checks a grant gets, now rather than at approval.
    PERFORM listguard._make_grant(CASE WHEN principal IS NULL THEN requester END, account, list, reveal, false,
                                  current_setting('listguard.request_quota'), NULL, NULL, reason, 'error', requester,
                                  NULL, true, false, principal);
    INSERT INTO listguard.requests (requester, grantee, kind, account, list, reveal, quota, duration, reason, expires_at,
                                    principal)
    VALUES (requester, CASE WHEN principal IS NULL THEN requester END, 'access', account, list, reveal,
            current_setting('listguard.request_quota'), duration, reason,
            now() + current_setting('listguard.request_ttl')::interval,
            (SELECT u.id FROM listguard.application_users u WHERE u.name = principal))
    RETURNING id INTO request;
    PERFORM listguard._request_opened(request);
    PERFORM listguard._expire_requests();
    RETURN request;
END
$$;
REVOKE ALL ON FUNCTION _request_access(bigint, bigint, text, interval, text) FROM PUBLIC;
