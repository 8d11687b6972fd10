// DROP DATABASE takes a database's protected tables and its whole audit
// trail with it, and no event trigger sees it. A database where listguard
// has kept an audit trail (it has an anchor file) is dropped by admins only,
// and the drop is recorded (in the server log: its audit log is gone).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called before every utility statement (ProcessUtility), in any database.
void check_database_statement(Node* stmt);

// Called after one: a database created from a template that has listguard
// is registered for key retirement like it (pg/keys/rotation.h).
void after_database_statement(Node* stmt);

} // namespace listguard::pg
