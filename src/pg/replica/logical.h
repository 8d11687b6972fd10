// Logical replication of protected tables (the reveal rule is in
// pg/access/logical_reveal.h). A walsender (the publisher's
// side of a subscription: its initial COPY and the decoding of changes), or
// logical decoding run from SQL, sends values to another server, where they are stored by input
// functions that do not know their stamps and run no stamping trigger. So
// there every value goes out as its sealed token, which carries its stamp
// and is read back as the same value, and only for a role that may have
// every row sealed: a superuser, or a role with a sealed (or clear) grant
// on every account. Any other role is refused loudly, instead of
// replicating masks or, through row security, no rows at all.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "executor/execdesc.h"
}

namespace listguard::pg {

// Before a walsender's query reads a protected table: refuses a role that
// could not see every row of it sealed.
void check_walsender_query(const QueryDesc* query);

} // namespace listguard::pg
