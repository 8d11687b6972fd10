// The audit anchor file of a database (the record format is in
// core/audit/anchor.h): where it is and reading it. The writer rewrites it in
// place; verify_audit() reads it.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/audit/anchor.h"

namespace listguard::pg {

// The anchor file of a database.
char* audit_anchor_path(Oid database);

// The database's anchor; a missing file or a torn record reads as no anchor.
Anchor read_audit_anchor(Oid database);

} // namespace listguard::pg
