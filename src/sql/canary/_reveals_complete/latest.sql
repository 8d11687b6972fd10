-- Whether the reveal summaries say everything a role read in clear since a
-- moment: kept since then, no audit gap since (keys of a crashed backend, or
-- a spool file that could not be written), and the role read nothing on a
-- hot standby (whose reveals are in the trail, not in the summaries).
CREATE FUNCTION _reveals_complete(who regrole, since timestamptz) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT min(s.since) FROM listguard.reveal_summaries_since s) <= since, false)
       AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a WHERE a.kind = 'audit_gap' AND a.logged_at >= since)
       AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a
                       WHERE a.kind = 'clear_reveal' AND a.origin IS NOT NULL AND a.logged_at >= since
                         AND who::text IN (a.current_user_name, a.session_user_name))
$$;
REVOKE ALL ON FUNCTION _reveals_complete(regrole, timestamptz) FROM PUBLIC;
