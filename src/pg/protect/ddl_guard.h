// What may change around a protected table. protect() gives the table to the
// role listguard_owner, so PostgreSQL itself refuses its former owner and
// everyone else; this guard (ProcessUtility) adds what ownership does not
// cover and makes the refusal clear and recorded:
//
//  * any DDL that shapes a protected table (ALTER TABLE, triggers, rules,
//    policies, indexes, statistics, renames, drops, INHERIT and ATTACH on
//    either side, TRUNCATE, foreign keys that reference it, domains its
//    columns use) is for admins only, and recorded when an admin does it;
//  * after an admin's DDL the table is checked again (no code a non-admin
//    can change may run around it), and a new partition or child of a
//    protected table is protected at once;
//  * nobody may turn a listguard.email column into another type.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"
}

namespace listguard::pg {

// What check_table_statement found, for after_table_statement.
struct TableStatement {
    List* touched = nullptr;           // protected tables the statement shapes (Oid)
    List* actions = nullptr;           // what it does to each (const char*)
    List* adopt = nullptr;             // existing tables becoming children of protected ones (Oid)
    List* adopt_parents = nullptr;     // their protected parents (Oid)
    RangeVar* created_child = nullptr; // CREATE TABLE ... PARTITION OF / INHERITS a protected table
    Oid created_parent = InvalidOid;
    List* detached = nullptr; // protected tables leaving their parent (Oid)
    bool admin = false;
    bool citus_owner = false; // listguard_owner through a proven Citus connection: no DDL that takes protection off
};

// Before the statement: refuses what the current role may not do.
TableStatement check_table_statement(Node* stmt);

// After the statement succeeded.
void after_table_statement(Node* stmt, const TableStatement& checked);

} // namespace listguard::pg
