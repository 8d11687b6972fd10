// Logical replication of protected tables. A walsender (the publisher's
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

#include "pg/access/reveal.h"

namespace listguard::pg {

// Whether values leave for another server or a decoding client: in a
// walsender (a subscription's decoding or its table sync), or in logical
// decoding called from SQL (pg_logical_slot_get_changes(), whose output
// plugin runs with a historic snapshot).
bool in_logical_decoding();

// The reveal in a walsender for the role's decision: Sealed, or an error.
RevealDecision walsender_reveal(Oid role, const RevealDecision& decision);

// Whether a role may replicate every row of a protected table (superuser,
// or sealed or clear on every account), and its refusal (recorded).
bool may_replicate(Oid role);
[[noreturn]] void refuse_replication(Oid role, const char* table);

} // namespace listguard::pg
