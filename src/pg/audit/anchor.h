// The audit anchor file of a database (the record format is in
// core/audit/anchor.h): where it is and reading it. The writer rewrites it in
// place; verify_audit() reads it, and reports a log without one.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/audit/anchor.h"

extern "C" {
#include "nodes/pg_list.h"
}

namespace listguard::pg {

// The anchor file of a database.
char* audit_anchor_path(Oid database);

// The database's anchor (in listguard.audit_anchor_directory, or where
// listguard 0.1 kept it, beside the key file). A torn record reads as no
// anchor; file_exists says whether there was a file at all.
Anchor read_audit_anchor(Oid database, bool* file_exists);

// Every database that has an anchor (an audit trail), as an Oid list.
List* audited_databases();

// Starts the writer of every database that has an anchor (an audit trail):
// after a crash, each log gets its gap event now, not at its next event.
void wake_writers_of_audited_databases();

} // namespace listguard::pg
