// Administration functions (grant_access, protect, ...) are C functions that
// check the *calling* role is an admin and then run their implementation,
// listguard._<name>(...) elevated (pg/base/elevated_call.h: as the extension's
// owner, with a fixed search_path). A SECURITY DEFINER SQL function could
// not do this: inside it, the caller's identity is gone.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The role that called the admin or request function being run (the
// current user outside of one); the role SET ROLE had chosen then (outer);
// and the session user.
Oid calling_role();
Oid calling_outer_role();
Oid calling_session_role();

} // namespace listguard::pg
