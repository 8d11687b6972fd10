#include "pg/protect/background.h"

#include <sys/stat.h>

#include "pg/activity/progress.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/settings.h"
#include "pg/base/spi.h"
#include "pg/protect/protection.h"
#include "pg/protect/stamping.h"

extern "C" {
#include "access/table.h"
#include "access/xact.h"
#include "storage/bufmgr.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/fd.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(lg_request_background_stamping);
PG_FUNCTION_INFO_V1(lg_stamp_queue_guard);
}

namespace listguard::pg {

namespace {

constexpr const char* kMarkerDirectory = "pg_listguard";
bool start_at_commit = false;
bool stamping = false;

char* marker_path(Oid database)
{
    return psprintf("%s/stamping.%u", kMarkerDirectory, database);
}

void write_marker(Oid database)
{
    (void)MakePGDirectory(kMarkerDirectory);
    char* path = marker_path(database);
    int fd = OpenTransientFile(path, O_WRONLY | O_CREAT | PG_BINARY);
    if (fd < 0) {
        ereport(WARNING, (errcode_for_file_access(), errmsg("could not create \"%s\": %m", path),
                          errdetail("After a restart, the background stamping of this database starts again only "
                                    "when protect() or stamp_existing() runs here.")));
        return;
    }
    (void)pg_fsync(fd);
    CloseTransientFile(fd);
}

void remove_marker(Oid database)
{
    (void)unlink(marker_path(database));
}

// One batch, in a transaction of its own: the first table of the queue, the
// next `batch` blocks of it. False when the queue is empty.
bool stamp_one_batch(int64 batch)
{
    bool found = false;
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    connect_spi();
    PushActiveSnapshot(GetTransactionSnapshot());
    if (SPI_execute("SELECT relid::oid, next_block, end_block, relfilenode FROM listguard.stamp_queue "
                    "ORDER BY queued_at, relid LIMIT 1 FOR UPDATE",
                    false, 1) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.stamp_queue");
    if (SPI_processed == 1) {
        found = true;
        bool isnull;
        HeapTuple row = SPI_copytuple(SPI_tuptable->vals[0]);
        TupleDesc desc = SPI_tuptable->tupdesc;
        Oid relid = DatumGetObjectId(SPI_getbinval(row, desc, 1, &isnull));
        int64 next = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
        int64 end = DatumGetInt64(SPI_getbinval(row, desc, 3, &isnull));
        Oid filenode = DatumGetObjectId(SPI_getbinval(row, desc, 4, &isnull));
        Oid types[] = {OIDOID, INT8OID, INT8OID, OIDOID};
        bool exists = SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid));
        if (!exists || !protection_of(relid).is_protected) {
            // Dropped or unprotected since: nothing left to do here.
            Datum args[] = {ObjectIdGetDatum(relid)};
            SPI_execute_with_args("DELETE FROM listguard.stamp_queue WHERE relid = $1::regclass", 1, types, args,
                                  nullptr, false, 0);
        } else {
            Relation rel = table_open(relid, AccessShareLock);
            Oid current = rel->rd_node.relNode;
            int64 blocks = RelationGetNumberOfBlocks(rel);
            table_close(rel, AccessShareLock);
            if (current != filenode) {
                // Rewritten (VACUUM FULL, CLUSTER, a column type change): its
                // rows moved, so the whole table is gone through again.
                next = 0;
                end = blocks;
                filenode = current;
            }
            int64 to = Min(next + batch, end);
            (void)stamp_blocks(relid, next, to, "background stamping");
            Datum args[] = {ObjectIdGetDatum(relid), Int64GetDatum(to), Int64GetDatum(end), ObjectIdGetDatum(filenode)};
            if (to >= end) {
                SPI_execute_with_args("DELETE FROM listguard.stamp_queue WHERE relid = $1::regclass", 1, types, args,
                                      nullptr, false, 0);
                record_event(EventKind::ProtectionChanged,
                             "{\"action\": \"stamp existing rows\", \"background\": \"done\"}", table_scope(relid));
            } else {
                SPI_execute_with_args("UPDATE listguard.stamp_queue SET next_block = $2, end_block = $3, "
                                      "relfilenode = $4 WHERE relid = $1::regclass",
                                      4, types, args, nullptr, false, 0);
            }
        }
    }
    PopActiveSnapshot();
    SPI_finish();
    CommitTransactionCommand();
    return found;
}

} // namespace

bool in_background_stamping() noexcept
{
    return stamping;
}

void request_background_stamping()
{
    write_marker(MyDatabaseId);
    start_at_commit = true;
}

void background_stamping_at_transaction_end(bool committed)
{
    if (start_at_commit && committed)
        start_maintenance_worker(MyDatabaseId);
    start_at_commit = false;
}

List* databases_with_stamping_queued()
{
    List* databases = nullptr;
    DIR* dir = AllocateDir(kMarkerDirectory);
    if (dir == nullptr)
        return nullptr;
    struct dirent* entry;
    while ((entry = ReadDirExtended(dir, kMarkerDirectory, LOG)) != nullptr) {
        unsigned int database;
        char tail;
        if (sscanf(entry->d_name, "stamping.%u%c", &database, &tail) == 1 && database != InvalidOid)
            databases = lappend_oid(databases, database);
    }
    FreeDir(dir);
    return databases;
}

void start_maintenance_worker(Oid database)
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = BGW_NEVER_RESTART;
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "listguard");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "listguard_maintenance_main"); // pg/worker
    snprintf(worker.bgw_name, BGW_MAXLEN, "listguard maintenance for database %u", database);
    snprintf(worker.bgw_type, BGW_MAXLEN, "listguard maintenance");
    worker.bgw_main_arg = ObjectIdGetDatum(database);
    worker.bgw_notify_pid = 0;
    (void)RegisterDynamicBackgroundWorker(&worker, nullptr);
}

void run_background_stamping()
{
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    bool installed = OidIsValid(listguard_objects().stamp_queue);
    CommitTransactionCommand();
    if (!installed) {
        remove_marker(MyDatabaseId); // the extension is gone from here (or not yet updated)
        return;
    }
    begin_progress("background stamping");
    stamping = true;
    int64 batch = 64; // blocks; grown or shrunk so that a batch takes about 100-300 ms
    int failures = 0;
    MemoryContext context = AllocSetContextCreate(TopMemoryContext, "listguard stamping", ALLOCSET_DEFAULT_SIZES);
    while (!ShutdownRequestPending) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
        }
        if (!background_stamping_setting)
            break; // paused; the marker stays, for when it is turned on again
        MemoryContext old = MemoryContextSwitchTo(context);
        TimestampTz started = GetCurrentTimestamp();
        volatile bool found = true;
        PG_TRY();
        {
            found = stamp_one_batch(batch);
            failures = 0;
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(context);
            ErrorData* error = CopyErrorData();
            FlushErrorState();
            AbortCurrentTransaction();
            ereport(LOG, (errmsg("listguard could not stamp a batch in the background, will try again: %s",
                                 error->message)));
            failures++;
        }
        PG_END_TRY();
        MemoryContextSwitchTo(old);
        MemoryContextReset(context);
        if (!found) {
            remove_marker(MyDatabaseId);
            break;
        }
        if (failures > 0) {
            if (failures >= 10)
                break; // the housekeeper starts the worker again later
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 1000L * failures,
                            PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
            continue;
        }
        long ms = static_cast<long>((GetCurrentTimestamp() - started) / 1000);
        if (ms < 100 && batch < 8192)
            batch *= 2;
        else if (ms > 300 && batch > 8)
            batch /= 2;
        // A breath between batches for the table's other users.
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
    stamping = false;
    end_progress();
}

} // namespace listguard::pg

using namespace listguard::pg;

// listguard._request_background_stamping(): protect() queued tables in
// listguard.stamp_queue; the maintenance worker stamps them once this
// transaction commits.
extern "C" Datum lg_request_background_stamping(PG_FUNCTION_ARGS)
{
    require_preload();
    request_background_stamping();
    PG_RETURN_VOID();
}

// listguard.stamp_queue is written by listguard's elevated code and its
// background stamping; a superuser's insert (a restore) is allowed, and
// every other change refused (privileges stop it first).
extern "C" Datum lg_stamp_queue_guard(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.stamp_queue_guard()");
    if (!running_elevated() && !in_background_stamping() && !superuser()) {
        record_event(EventKind::Denied, "{\"reason\": \"listguard table\", \"operation\": \"write stamp_queue\"}",
                     table_scope(RelationGetRelid(data->tg_relation)));
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to change listguard.stamp_queue"),
                 errdetail("listguard's background stamping keeps it.")));
    }
    return PointerGetDatum(nullptr);
}
