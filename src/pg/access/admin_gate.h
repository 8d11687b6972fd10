// Administration functions (grant_access, protect, ...) are C functions that
// check the *calling* role is an admin and then run their implementation,
// listguard._<name>(...), as the bootstrap superuser (who may alter any
// table and owns the extension's tables). A SECURITY DEFINER SQL
// function could not do this: inside it, the caller's identity is gone.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The role that called the admin function being run (the current user
// outside of one).
Oid calling_role();

// True while an admin function's implementation runs.
bool in_admin_function();

} // namespace listguard::pg
