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

} // namespace listguard::pg
