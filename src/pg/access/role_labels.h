// Marks on roles that every database of the cluster can read: roles are
// shared by all databases, and so must be what makes a role sensitive. They
// are security labels of the provider "listguard" (pg_shseclabel):
//
//   "role"     a role listguard created (listguard_admin, _owner, _approver)
//   "grantee"  a role that holds, or held, listguard grants in some database
//
// Only superusers and listguard's own functions may set or remove them: a
// CREATEROLE role may label roles, and must not unmark one.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

constexpr const char* kCreatedRoleLabel = "role";
constexpr const char* kGranteeLabel = "grantee";

// The role's listguard label, or null.
const char* role_label(Oid role);

// Sets the label (from listguard's own functions; no permission check).
void label_role(Oid role, const char* label);

// Registers the label provider; called once from _PG_init.
void register_role_labels();

} // namespace listguard::pg
