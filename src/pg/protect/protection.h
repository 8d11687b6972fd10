// Whether a table is under listguard.protect(), and with which account and
// list columns (listguard.protected_tables).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

struct Protection {
    bool is_protected = false;
    char* account_column = nullptr; // palloc'd
    char* list_column = nullptr;    // palloc'd; null without a list column
};

Protection protection_of(Oid relid);

// True if column is the protected table's account or list column.
bool is_scope_column(const Protection& p, const char* column);

} // namespace listguard::pg
