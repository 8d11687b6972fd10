// Operators, functions, aggregates and casts over listguard.email are
// listguard's. PostgreSQL resolves a name to the candidate whose argument
// types match best, in any schema on the search_path: an `=(email, text)`,
// a `count(email)` or a `format(text, email)` someone made in public would
// be chosen over listguard's and PostgreSQL's own, and receive every value
// a query passes it (in clear for a clear reader); an implicit cast from
// email to a type of one's own makes lookups ambiguous. So, while listguard
// is loaded, only superusers and listguard administrators may create an
// operator, function, procedure or aggregate one of whose arguments is
// listguard.email (or a domain or array of it), an operator over a
// polymorphic type (which matches it too), or a cast from or to the type.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called before every utility statement (ProcessUtility).
void check_lookalike_statement(Node* stmt);

} // namespace listguard::pg
