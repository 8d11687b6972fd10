// The schema called listguard is the extension's. listguard installs into a
// schema of that name whatever it holds, and found its objects by name; a
// database owner who made the schema first (or renamed one to it) owned the
// extension's home: it could plant functions its views would bind, rename
// the schema away to turn every guard off, or drop it with the audit log.
// So only a superuser may create, rename, re-own, grant on or drop a schema
// called listguard, and CREATE EXTENSION listguard refuses an existing one
// that a non-superuser owns or may create objects in, or that holds objects.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/parsenodes.h"
}

namespace listguard::pg {

// Called before every utility statement (ProcessUtility), in any database.
void check_schema_statement(Node* stmt);

// The name a CREATE SCHEMA gives (AUTHORIZATION r alone names it after r);
// null when there is none.
const char* created_schema_name(const CreateSchemaStmt* stmt);

} // namespace listguard::pg
