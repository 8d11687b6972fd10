// Role statements that would hand out listguard power (CREATEROLE can do
// all of these in PostgreSQL 15): granting or revoking membership in a role
// that carries it, adding a new role to one, changing such a role's
// password, settings or name, dropping it. Refused unless the current user is
// an admin; an admin's changes are recorded. Roles are shared by all
// databases, so this holds in every database of the cluster, with or
// without the extension.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called before every utility statement (ProcessUtility).
void check_role_statement(Node* stmt);

} // namespace listguard::pg
