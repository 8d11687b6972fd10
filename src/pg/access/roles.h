// Which roles' grants apply to a role, the way PostgreSQL privileges flow:
// through memberships of inheriting roles (NOINHERIT stops the flow). Unlike
// has_privs_of_role, superusers get no shortcut: a superuser sees what its
// own grants give it, like everyone else.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

bool role_receives_grants_of(Oid member, Oid grantee);

// The same along memberships that pass through none of the `count` roles
// in `avoid` (member and grantee included).
bool role_receives_grants_of_avoiding(Oid member, Oid grantee, const Oid* avoid, int count);

// Superusers and roles with the privileges of listguard_admin.
bool is_admin(Oid role);

// Reports 42501 ("permission denied for function ...") unless the current
// user is an admin.
void require_admin(const char* function);

// Who may read listguard's metrics, progress and the address-free columns
// of the audit log: admins, members of listguard_monitor, and members of
// PostgreSQL's pg_monitor.
bool is_monitor(Oid role);

// Reports 42501 ("permission denied for view ...", and records a denied
// event) unless the current user is a monitor.
void require_monitor(const char* view);

// The roles listguard creates (cluster-wide, marked with a security label;
// see role_labels.h): administrators, the owner of protected tables,
// approvers of access requests, the standby links' logins and backups.
constexpr const char* kAdminRole = "listguard_admin";
constexpr const char* kOwnerRole = "listguard_owner";
constexpr const char* kApproverRole = "listguard_approver";
constexpr const char* kStandbyRole = "listguard_standby"; // the standby links' login belongs to it
constexpr const char* kMonitorRole = "listguard_monitor"; // reads metrics and progress, never an address
constexpr const char* kBackupRole = "listguard_backup";   // backup logins: sealed reads of every row, in dumps

// The role listguard_backup, or InvalidOid.
Oid backup_role();

// Does the role, or a role it belongs to (inheriting or not: it may SET
// ROLE), hold listguard grants in any database? A backup login may not:
// it can tell canaries apart, so it must not also be a reader of addresses.
bool belongs_to_a_grantee(Oid role);

// The role listguard_owner, or InvalidOid.
Oid owner_role();

// Whether being `role`, or being able to become it, gives listguard power:
// the role or any role it belongs to (directly or through groups, inheriting
// or not: a member may SET ROLE) is one of listguard's roles, holds or held
// listguard grants in any database, or is one of PostgreSQL's predefined
// roles that reach around listguard (reading or writing every table, seeing
// others' statements, reading or writing server files, running server
// programs). Returns the role that makes it so,
// or InvalidOid.
Oid listguard_power_of(Oid role);

// Settings that decide which functions and operators a session's statements
// find, whether row security applies, and as whom the session runs:
// search_path, row_security, role, session_authorization. Matched as
// PostgreSQL matches setting names (in any letter case). Returns the
// setting's name, or null if `name` is none of them.
const char* guarded_setting(const char* name);

// A guarded setting stored in pg_db_role_setting (ALTER ROLE / ALTER
// DATABASE ... SET): for `role` (InvalidOid: every role) in `database`
// (InvalidOid: every database).
struct StoredSetting {
    Oid database = InvalidOid;
    Oid role = InvalidOid;
    const char* name = nullptr;
};

// The first guarded setting stored for exactly (database, role), or, with
// any_database, for role in any database or in all. False if none.
bool stored_guarded_setting(Oid role, Oid database, bool any_database, StoredSetting* found);

// Before role gains listguard power (its first grant, or membership in a
// role that carries power): the first guarded setting stored for it or for
// any role below it (its members, at any depth, inheriting or not: a member
// may SET ROLE), in any database. Roles that already carry power are
// skipped: since they gained it only administrators could change their
// settings. False if none.
bool receiver_with_guarded_setting(Oid role, StoredSetting* found);

} // namespace listguard::pg
