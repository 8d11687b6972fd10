-- Requests as their requester (its own), approvers and admins (all) see
-- them. A pending request past its time to live shows as expired.
CREATE VIEW access_requests WITH (security_barrier) AS
SELECT r.id AS request_id, r.requester, r.grantee, r.kind, r.account, r.list, r.reveal, r.can_write, r.duration,
       r.valid_until, r.reason,
       CASE WHEN r.state = 'pending' AND r.expires_at <= now() THEN 'expired' ELSE r.state END AS state,
       r.requested_at, r.expires_at,
       (SELECT count(*) FROM listguard.request_approvals a WHERE a.request_id = r.id) AS approvals,
       r.decided_by, r.decided_at, r.comment, r.grant_id,
       (SELECT u.name FROM listguard.application_users u WHERE u.id = r.principal) AS principal
FROM listguard.requests r
WHERE r.requester = current_user::regrole OR r.grantee = current_user::regrole
   OR listguard._is_member_of(current_user::regrole, to_regrole('listguard_approver'))
   OR listguard.current_role_is_admin();
GRANT SELECT ON access_requests TO PUBLIC;
