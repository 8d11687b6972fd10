// Names that would shadow what a privileged session calls unqualified.
// Citus sends its worker functions (worker_apply_shard_ddl_command(),
// ...) unqualified over connections whose search_path is the default
// ("$user", public): a function of the same name in a schema named after
// the connecting role, or in public, with argument types that match the
// call better (int for Citus's bigint), would run instead, as a superuser
// or as listguard_owner in Citus's proven session (attacks 107-109). So,
// while listguard is loaded, a role that is not a superuser may not create,
// rename to or move into a schema other than pg_catalog a function,
// procedure or aggregate named like a function of the citus extension, nor
// create or rename to a schema named after a superuser or one of
// listguard's roles (which "$user" would put first on their search_path).
// Names are compared as PostgreSQL resolves them: exactly, after the
// parser's folding and truncation.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called before every utility statement (ProcessUtility).
void check_shadow_statement(Node* stmt);

} // namespace listguard::pg
