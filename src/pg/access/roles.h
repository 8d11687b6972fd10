// Which roles' grants apply to a role, the way PostgreSQL privileges flow:
// through memberships of inheriting roles (NOINHERIT stops the flow). Unlike
// has_privs_of_role, superusers get no shortcut: a superuser sees what its
// own grants give it, like everyone else.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

bool role_receives_grants_of(Oid member, Oid grantee);

// Superusers and roles with the privileges of listguard_admin.
bool is_admin(Oid role);

// Reports 42501 unless the current user is an admin.
void require_admin(const char* action);

// The roles listguard creates (cluster-wide, marked with a security label;
// see role_labels.h): administrators, the owner of protected tables,
// approvers of access requests, the standby links' logins and backups.
constexpr const char* kAdminRole = "listguard_admin";
constexpr const char* kOwnerRole = "listguard_owner";
constexpr const char* kApproverRole = "listguard_approver";
constexpr const char* kStandbyRole = "listguard_standby"; // the standby links' login belongs to it
constexpr const char* kBackupRole = "listguard_backup";   // backup logins: sealed reads of every row, in dumps

// The role listguard_backup, or InvalidOid.
Oid backup_role();

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

} // namespace listguard::pg
