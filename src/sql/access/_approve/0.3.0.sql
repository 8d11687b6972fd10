CREATE FUNCTION _approve(request_id bigint, comment text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r listguard.requests;
    me regrole := listguard.calling_role();
    session_role regrole := listguard._calling_session_role();
    approvals integer;
    new_grant bigint;
    principal text;
BEGIN
    -- Locked: a concurrent approval or denial of the same request waits.
    SELECT * INTO r FROM listguard.requests q WHERE q.id = _approve.request_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM listguard._refuse_request(request_id, 'approve', 'undefined_object',
            format('access request %s does not exist', request_id), NULL);
    END IF;
    PERFORM listguard._check_decider(r, 'approve');
    -- N distinct approvers: not the same role, session or group twice.
    IF EXISTS (SELECT 1 FROM listguard.request_approvals a
               WHERE a.request_id = r.id
                 AND (a.approver IN (me, session_role) OR a.approver_session IN (me, session_role)
                      OR listguard._is_member_of(a.approver, me) OR listguard._is_member_of(me, a.approver))) THEN
        PERFORM listguard._refuse_request(r.id, 'approve', 'insufficient_privilege',
            format('access request %s has an approval from role %s, its session user or its group already', r.id, me),
            format('It needs %s distinct approvers (listguard.required_approvals): other roles, sessions and groups.',
                   current_setting('listguard.required_approvals')));
    END IF;
    INSERT INTO listguard.request_approvals (request_id, approver, approver_session, comment)
    VALUES (r.id, me, session_role, comment);
    SELECT count(*) INTO approvals FROM listguard.request_approvals a WHERE a.request_id = r.id;
    PERFORM listguard._record_request_event('approve', r.id, r.account, r.list,
        jsonb_build_object('approver', me::text, 'session_user', session_role::text, 'approvals', approvals,
                           'required', current_setting('listguard.required_approvals')::integer));
    IF approvals < current_setting('listguard.required_approvals')::integer THEN
        RETURN;
    END IF;
    principal := (SELECT u.name FROM listguard.application_users u WHERE u.id = r.principal);
    IF r.kind = 'access' THEN
        new_grant := listguard._make_grant(r.grantee, r.account, r.list, r.reveal, false, r.quota,
                                           now() + r.duration, NULL, format('access request %s: %s', r.id, r.reason),
                                           'error', me, r.id, false, false, principal);
    ELSE
        new_grant := listguard._make_grant(r.grantee, r.account, r.list, r.reveal, r.can_write, r.quota,
                                           r.valid_until, r.from_networks, nullif(r.reason, ''), r.on_exceed,
                                           r.requester, r.id, false, r.sends, principal);
    END IF;
    UPDATE listguard.requests q SET state = 'approved', decided_by = me, decided_at = now(), grant_id = new_grant,
                                    comment = coalesce(_approve.comment, q.comment)
    WHERE q.id = r.id;
    PERFORM listguard._record_request_event('approved', r.id, r.account, r.list,
        jsonb_build_object('grant', new_grant, 'grantee', r.grantee::text, 'for_principal', principal));
    PERFORM listguard._notify_request(r.id, 'approved');
    -- Expiry is recorded by calls that succeed: a refused one rolls back.
    PERFORM listguard._expire_requests();
END
$$;
REVOKE ALL ON FUNCTION _approve(bigint, text) FROM PUBLIC;
