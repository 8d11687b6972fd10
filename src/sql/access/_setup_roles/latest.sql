-- listguard's roles, shared by every database of the cluster: listguard_admin
-- (administration), listguard_owner (owns protected tables; admins belong to
-- it), listguard_approver (approves access requests), listguard_standby
-- (the login of hot standbys' links to the primary), listguard_backup
-- (backup logins) and listguard_monitor (reads metrics and progress, never
-- an address). A role of one of these names that listguard did not create
-- is refused unless listguard.adopt_existing_roles is on.
CREATE FUNCTION _setup_roles(adopt boolean) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_setup_roles' LANGUAGE C VOLATILE STRICT;
SELECT _setup_roles(false);
REVOKE ALL ON FUNCTION _setup_roles(boolean) FROM PUBLIC;
