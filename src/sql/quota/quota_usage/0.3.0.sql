-- Every quota the caller may see (admins and monitors: all; others: their
-- own) and where it stands. Monitors that are not admins see names as
-- metrics and audit_events show them: a principal masked (j***@example.com)
-- and a role whose name holds an address as null (a regrole cannot be
-- masked; grant_id ties the row to its metrics). "used" counts what
-- backends have reserved and not yet given back too. The window's seconds
-- are cast to make_interval's own argument type, so that no function of
-- another signature could be a better match.
CREATE VIEW quota_usage WITH (security_barrier) AS
SELECT g.id AS grant_id,
       CASE WHEN listguard.current_role_is_admin() OR NOT listguard.current_role_is_monitor()
                 OR NOT listguard._has_address(g.grantee::text) THEN g.grantee END AS role,
       g.account, g.list, g.quota, g.on_exceed,
       coalesce(s.used, 0) AS used,
       greatest(g.quota_limit - coalesce(s.used, 0), 0) AS remaining,
       s.window_start + pg_catalog.make_interval(secs => g.quota_window::float8) AS window_resets_at,
       (SELECT CASE WHEN listguard.current_role_is_admin() OR NOT listguard.current_role_is_monitor()
                    THEN u.name ELSE listguard._redact(u.name) END
        FROM listguard.application_users u WHERE u.id = g.principal) AS principal
FROM listguard.grants g
LEFT JOIN listguard._quota_state() s
       ON s.grant_id = g.id AND s.window_start + pg_catalog.make_interval(secs => g.quota_window::float8) > now()
WHERE g.quota IS NOT NULL
  AND (listguard.current_role_is_admin() OR listguard.current_role_is_monitor()
       OR listguard.role_receives_grants_of(current_user::regrole, g.grantee)
       OR g.principal = (SELECT u.id FROM listguard.application_users u WHERE u.name = listguard.current_principal()));
GRANT SELECT ON quota_usage TO PUBLIC;
