// Operators over listguard.email are listguard's. A lookup such as
// email = $1 with a text parameter (what client drivers send) resolves to
// an operator whose argument types match exactly in any schema on the
// search_path, before listguard's email = email with an implicit cast: an
// operator someone made in public would receive every address the
// application looks up. So only superusers and listguard administrators
// may create an operator one of whose arguments is listguard.email (or a
// domain over it) or a polymorphic type (which matches it too).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called before every utility statement (ProcessUtility).
void check_operator_statement(Node* stmt);

} // namespace listguard::pg
