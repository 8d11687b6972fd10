-- What the audit trail says of a planted canary: its role's clear reveals of
-- the canary's list since planting, and when the role (or a member, or its
-- login under another role) read this canary in clear — from the
-- clear_reveal events (kept while listguard.audit_reveals is on), whose
-- sealed "canaries" record notes every one of the role's own canaries among
-- the values (by slot in their own account, by id elsewhere).
CREATE FUNCTION _canary_reveals(c listguard.canaries, OUT clear_reveals bigint, OUT first_revealed timestamptz,
                                OUT last_revealed timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(sum((a.counts->>'clear')::bigint) FILTER (WHERE a.account = c.account
                                                                AND a.list IS NOT DISTINCT FROM coalesce(c.list, 0)), 0),
           min(a.logged_at) FILTER (WHERE listguard._canary_in_record(a.detail->>'canaries', c.id, c.slot,
                                                                       a.account IS NOT DISTINCT FROM c.account)),
           max(a.logged_at) FILTER (WHERE listguard._canary_in_record(a.detail->>'canaries', c.id, c.slot,
                                                                       a.account IS NOT DISTINCT FROM c.account))
    FROM listguard.audit_log a
    WHERE a.kind = 'clear_reveal' AND a.logged_at >= c.planted_at
      AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname IN (a.detail->>'role', a.session_user_name)
                  AND listguard._is_member_of(r.oid::regrole, c.role))
$$;
REVOKE ALL ON FUNCTION _canary_reveals(listguard.canaries) FROM PUBLIC;
