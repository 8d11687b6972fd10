#include "pg/access/catalog_confirmation.h"

#include "pg/audit/queue.h"

extern "C" {
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/proc.h"
#include "storage/shmem.h"
}

namespace listguard::pg {

namespace {

// The databases whose catalog a link confirmed since the server started
// (InvalidOid: a free slot). Slots are only ever claimed, never freed: a
// server holds few databases with Citus.
constexpr int kSlots = 64;
struct Confirmed {
    pg_atomic_uint32 databases[kSlots];
};
Confirmed* shared = nullptr;

// How long a backend waits for the link, and how often it looks.
constexpr int kWaitMs = 5000;
constexpr int kPollMs = 50;

bool confirmed_here = false;                               // this backend saw it confirmed
LocalTransactionId gave_up_in = InvalidLocalTransactionId; // waited in vain in this transaction

bool is_confirmed(Oid database)
{
    if (shared == nullptr)
        return false;
    for (int i = 0; i < kSlots; i++) {
        uint32 held = pg_atomic_read_u32(&shared->databases[i]);
        if (held == database)
            return true;
        if (held == InvalidOid)
            return false;
    }
    return false;
}

} // namespace

void confirm_citus_catalog(Oid database) noexcept
{
    if (shared == nullptr)
        return;
    for (int i = 0; i < kSlots; i++) {
        uint32 expected = InvalidOid;
        if (pg_atomic_compare_exchange_u32(&shared->databases[i], &expected, database) || expected == database)
            return;
    }
}

bool citus_catalog_confirmed()
{
    if (confirmed_here)
        return true;
    if (gave_up_in == MyProc->lxid)
        return false;
    // The link is the database's writer on a worker: started if none runs.
    audit_wake_writer(MyDatabaseId);
    for (int waited = 0;; waited += kPollMs) {
        if (is_confirmed(MyDatabaseId)) {
            confirmed_here = true;
            return true;
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
    return false;
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
        for (auto& slot : shared->databases)
            pg_atomic_init_u32(&slot, InvalidOid);
}

} // namespace listguard::pg
