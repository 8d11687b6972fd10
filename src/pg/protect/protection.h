// Whether a table is under listguard.protect(), and how
// (listguard.protected_tables). Remembered per backend: the stamping trigger
// asks for every row. Forgotten when the table of protections changes.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/pg_list.h"
}

namespace listguard::pg {

struct Protection {
    bool is_protected = false;
    NameData account_column;
    NameData list_column;  // empty: the table has no list column
    char audit = 'o';      // 's'tatement, 'r'ow or 'o'ff
    Oid root = InvalidOid; // the table whose protect() covers this one (itself for a root)
};

Protection protection_of(Oid relid);

// True if column is the protected table's account or list column.
bool is_scope_column(const Protection& p, const char* column);

// The protected tables of a schema (Oid list).
List* protected_tables_in(Oid schema);

// Drops what is remembered (relcache invalidation of listguard's tables).
void forget_protections() noexcept;

} // namespace listguard::pg
