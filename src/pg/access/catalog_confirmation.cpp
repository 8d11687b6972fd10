#include "pg/access/catalog_confirmation.h"

#include "pg/audit/queue.h"
#include "pg/base/catalog.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace listguard::pg {

namespace {

// The databases whose catalog a link confirmed since the server started
// (InvalidOid: a free slot), and the generation it confirmed. Slots are
// only ever claimed, never freed: a server holds few databases with Citus.
constexpr int kSlots = 64;
struct Confirmed {
    pg_atomic_uint32 databases[kSlots];
    pg_atomic_uint64 generations[kSlots];
};
Confirmed* shared = nullptr;

// How long a backend waits for the link, and how often it looks.
constexpr int kWaitMs = 5000;
constexpr int kPollMs = 50;

bool confirmed_here = false;                               // this backend saw it confirmed
LocalTransactionId gave_up_in = InvalidLocalTransactionId; // waited in vain in this transaction

// Whether a link confirmed database, and the generation it confirmed.
bool is_confirmed(Oid database, int64* generation)
{
    if (shared == nullptr)
        return false;
    for (int i = 0; i < kSlots; i++) {
        uint32 held = pg_atomic_read_u32(&shared->databases[i]);
        if (held == database) {
            uint64 stored = pg_atomic_read_u64(&shared->generations[i]);
            *generation = static_cast<int64>(stored) - 1;
            return stored != 0;
        }
        if (held == InvalidOid)
            return false;
    }
    return false;
}

// The generation of the catalog committed in this database now, read with
// a fresh snapshot (the statement's may predate the link's transaction).
int64 committed_generation()
{
    Oid schema = listguard_objects().schema;
    Oid relid = OidIsValid(schema) ? get_relname_relid("catalog_generation", schema) : InvalidOid;
    if (!OidIsValid(relid))
        return 0;
    AttrNumber column = listguard_column(relid, "generation");
    int64 generation = 0;
    Snapshot latest = RegisterSnapshot(GetLatestSnapshot());
    Relation rel = table_open(relid, AccessShareLock);
    SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, latest, 0, nullptr);
    HeapTuple tuple = systable_getnext(scan);
    if (HeapTupleIsValid(tuple)) {
        bool isnull;
        Datum value = heap_getattr(tuple, column, RelationGetDescr(rel), &isnull);
        generation = isnull ? 0 : DatumGetInt64(value);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    UnregisterSnapshot(latest);
    return generation;
}

} // namespace

void confirm_citus_catalog(Oid database, int64 generation) noexcept
{
    if (shared == nullptr)
        return;
    for (int i = 0; i < kSlots; i++) {
        uint32 expected = InvalidOid;
        if (pg_atomic_compare_exchange_u32(&shared->databases[i], &expected, database) || expected == database) {
            // The latest confirmation counts: a newer catalog that was sent
            // but rolled back is confirmed no more once the link confirms
            // again. Stored plus one: 0 is a slot claimed but not yet set.
            pg_atomic_write_u64(&shared->generations[i], static_cast<uint64>(generation) + 1);
            return;
        }
    }
}

CatalogConfirmation citus_catalog_confirmation()
{
    if (confirmed_here)
        return CatalogConfirmation::Confirmed;
    if (gave_up_in == MyProc->lxid)
        return CatalogConfirmation::Unconfirmed;
    // The link is the database's writer on a worker: started if none runs.
    audit_wake_writer(MyDatabaseId);
    for (int waited = 0;; waited += kPollMs) {
        int64 generation = 0;
        // Confirmed, and the catalog of that generation committed here (the
        // coordinator's own sending confirms inside its transaction).
        if (is_confirmed(MyDatabaseId, &generation) && committed_generation() >= generation) {
            confirmed_here = true;
            return CatalogConfirmation::ConfirmedJustNow;
        }
        if (waited >= kWaitMs)
            break;
        CHECK_FOR_INTERRUPTS();
        pg_usleep(kPollMs * 1000L);
    }
    gave_up_in = MyProc->lxid;
    ereport(WARNING,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("listguard's catalog on this Citus worker is not confirmed; showing masked addresses"),
             errdetail("Since this server started, its link has not compared its catalog with the coordinator's, "
                       "which may have revoked grants while this node was away."),
             errhint("Check that the coordinator is up, and the worker's listguard.coordinator_conninfo.")));
    return CatalogConfirmation::Unconfirmed;
}

Size catalog_confirmation_shared_size()
{
    return MAXALIGN(sizeof(Confirmed));
}

void attach_catalog_confirmation_shared()
{
    bool found;
    shared = static_cast<Confirmed*>(ShmemInitStruct("listguard citus catalog", sizeof(Confirmed), &found));
    if (!found)
        for (int i = 0; i < kSlots; i++) {
            pg_atomic_init_u32(&shared->databases[i], InvalidOid);
            pg_atomic_init_u64(&shared->generations[i], 0);
        }
}

} // namespace listguard::pg
