// The OIDs of listguard's own objects in the current database, looked up
// once and forgotten when the relcache says they may have changed.
#pragma once

#include "pg/base/postgres_c.h"
#include "pg/base/uncounted.h"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "storage/lockdefs.h"
#include "utils/rel.h"
}

namespace listguard::pg {

struct ListguardObjects {
    Oid schema = InvalidOid;           // listguard (InvalidOid: extension not installed here)
    Oid email_type = InvalidOid;       // listguard.email
    Oid grants = InvalidOid;           // listguard.grants
    Oid protected_tables = InvalidOid; // listguard.protected_tables
    Oid audit_log = InvalidOid;        // listguard.audit_log
    Oid canaries = InvalidOid;         // listguard.canaries (InvalidOid before ALTER EXTENSION UPDATE)
    Oid audit_heads = InvalidOid;      // listguard.audit_heads (InvalidOid before ALTER EXTENSION UPDATE to 0.3)
    Oid stamp_queue = InvalidOid;      // listguard.stamp_queue (the same)
    Oid audit_archives = InvalidOid;   // listguard.audit_archives (the same)
    Oid reveal_summaries = InvalidOid; // listguard.reveal_summaries (likewise)
};

const ListguardObjects& listguard_objects();

// What is remembered, without reading the catalogs (for abort paths).
const ListguardObjects& remembered_listguard_objects() noexcept;
void forget_listguard_objects() noexcept;

// Whether the remembered set has every object. One that lacks some is
// forgotten at any relcache invalidation (the missing object may just have
// been created, in this very transaction); a complete one only when one of
// its tables changes. Reads no catalog.
bool listguard_objects_complete() noexcept;

// True if relid is one of listguard's tables as last looked up. Reads no
// catalog: safe in invalidation callbacks, which also run in processes that
// have no database.
bool is_remembered_listguard_table(Oid relid) noexcept;
// A table or index of the extension's schema by name, if it is a member of
// the extension (never a look-alike), else InvalidOid.
Oid listguard_member_relation(const char* name);

// True if relid is listguard.grants as last found, even after the objects
// were forgotten: an invalidation of another of listguard's tables, in the
// same batch, forgets them before the grants' own arrives.
bool is_last_known_grants_table(Oid relid) noexcept;

// An extension's owner and schema from pg_extension (InvalidOid for an
// extension that is not there; PostgreSQL 15 keeps get_extension_schema()
// static).
struct ExtensionRow {
    Oid owner = InvalidOid;
    Oid schema = InvalidOid;
};
ExtensionRow extension_row(Oid extension);

// The role listguard_admin, or InvalidOid if it was dropped.
Oid admin_role();

// The number of a column of one of listguard's tables; an error that says
// to update the extension if the column is not there.
AttrNumber listguard_column(Oid relid, const char* name);

// Calls row(tuple, desc) for each row of one of listguard's own (small)
// tables, under the current snapshot, until it returns false. The scan is
// not counted in the statistics: every backend reads the registries again
// after a change, and the counts would tell every role when.
template <typename Row>
void scan_listguard_table(Oid relid, Row&& row)
{
    Relation rel = table_open(relid, AccessShareLock);
    stop_counting(rel);
    SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
    HeapTuple tuple;
    while (HeapTupleIsValid(tuple = systable_getnext(scan)))
        if (!row(tuple, RelationGetDescr(rel)))
            break;
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
}

} // namespace listguard::pg
