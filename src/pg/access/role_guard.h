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

// Before role gains listguard power (`what`: "a listguard grant",
// "membership in ..."): refuses (42501) if it or a role below it holds a
// setting stored by ALTER ROLE ... SET that decides what its sessions run
// (search_path, row_security, role, session_authorization) and was stored
// while nothing guarded the role, so perhaps by a CREATEROLE role. Whoever
// asks, an administrator too: who stored a setting is not recorded.
void check_receiver_settings(Oid role, const char* what);

} // namespace listguard::pg
