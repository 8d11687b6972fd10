-- May the calling roles decide request r? They must be an approver (a
-- member of listguard_approver, or an admin), and none of them (the current
-- user, the role SET ROLE chose, the session user) may be the requester or
-- the grantee, or a member of either, or have either as a member: nobody
-- decides their own request, in any disguise (SET ROLE, a shared group, a
-- NOINHERIT membership, a SECURITY DEFINER function of the requester's).
CREATE FUNCTION _check_decider(r listguard.requests, action text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me regrole := listguard.calling_role();
    who regrole;
    whom regrole;
BEGIN
    IF r.state <> 'pending' OR r.expires_at <= now() THEN
        PERFORM listguard._refuse_request(r.id, action, 'object_not_in_prerequisite_state',
            format('access request %s is %s', r.id, CASE WHEN r.state = 'pending' THEN 'expired' ELSE r.state END),
            'Only a pending request can be decided.');
    END IF;
    IF NOT (listguard._is_member_of(me, 'listguard_approver') OR listguard._is_admin(me)) THEN
        PERFORM listguard._refuse_request(r.id, action, 'insufficient_privilege',
            format('role %s may not decide access requests', me),
            'Approvers are members of listguard_approver, and listguard administrators.',
            format('An administrator can run: GRANT listguard_approver TO %s;', me));
    END IF;
    FOREACH who IN ARRAY ARRAY[me, listguard._calling_outer_role(), listguard._calling_session_role()] LOOP
        FOREACH whom IN ARRAY ARRAY[r.requester, r.grantee] LOOP
            IF who = whom OR listguard._is_member_of(who, whom) OR listguard._is_member_of(whom, who) THEN
                PERFORM listguard._refuse_request(r.id, action, 'insufficient_privilege',
                    format('role %s may not decide access request %s', me, r.id),
                    format('%s is %s, or a member of it, or has it as a member: nobody decides their own request.',
                           who, whom));
            END IF;
        END LOOP;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION _check_decider(listguard.requests, text) FROM PUBLIC;
