#include "pg/activity/progress.h"

extern "C" {
#include "access/xact.h"
#include "pgstat.h"
#include "storage/backendid.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

constexpr long kNoticeEveryMs = 10000;

struct Slot {
    slock_t lock;
    int pid; // 0: never used
    Oid database;
    TimestampTz backend_start;
    TimestampTz statement_start; // the statement that filled it (0: a worker's operation)
    ProgressRow row;
};

Slot* slots = nullptr;
int slot_count = 0;

// This backend's operation.
bool in_worker_operation = false;
TimestampTz worker_started = 0;
TimestampTz last_notice = 0;

Slot* my_slot() noexcept
{
    if (slots == nullptr || MyBackendId == InvalidBackendId || MyBackendId > slot_count)
        return nullptr;
    return &slots[MyBackendId - 1];
}

} // namespace

void report_progress(const char* command, Oid relid, const char* phase, int64 blocks_done, int64 blocks_total,
                     int64 rows_added)
{
    Slot* slot = my_slot();
    if (slot == nullptr)
        return;
    TimestampTz now = GetCurrentTimestamp();
    TimestampTz statement = in_worker_operation ? 0 : GetCurrentStatementStartTimestamp();
    // What changes is worked out before the spinlock: names come from the
    // catalogs.
    bool fresh = slot->pid != MyProcPid || slot->statement_start != statement ||
                 slot->backend_start != MyStartTimestamp || slot->row.command[0] == '\0';
    char table[sizeof slot->row.table] = "";
    bool new_table = fresh || slot->row.relid != relid;
    if (new_table && OidIsValid(relid)) {
        char* name = get_rel_name(relid);
        char* schema = name ? get_namespace_name(get_rel_namespace(relid)) : nullptr;
        if (name != nullptr)
            strlcpy(table, quote_qualified_identifier(schema ? schema : "", name), sizeof table);
    }
    SpinLockAcquire(&slot->lock);
    if (fresh) {
        slot->pid = MyProcPid;
        slot->database = MyDatabaseId;
        slot->backend_start = MyStartTimestamp;
        slot->statement_start = statement;
        memset(&slot->row, 0, sizeof slot->row);
        slot->row.pid = MyProcPid;
        strlcpy(slot->row.command, command, sizeof slot->row.command);
        slot->row.started = in_worker_operation ? worker_started : (statement != 0 ? statement : now);
    }
    if (new_table) {
        slot->row.relid = relid;
        strlcpy(slot->row.table, table, sizeof slot->row.table);
    }
    if (phase != nullptr)
        strlcpy(slot->row.phase, phase, sizeof slot->row.phase);
    slot->row.blocks_done = blocks_done;
    slot->row.blocks_total = blocks_total;
    slot->row.rows += rows_added;
    slot->row.updated = now;
    ProgressRow row = slot->row;
    SpinLockRelease(&slot->lock);

    if (fresh)
        last_notice = row.started;
    if (!in_worker_operation && TimestampDifferenceExceeds(last_notice, now, kNoticeEveryMs)) {
        last_notice = now;
        ereport(NOTICE, (errmsg("listguard: %s: %s: %s, %lld of %lld blocks, %lld rows so far", row.command,
                                row.table[0] ? row.table : "-", row.phase[0] ? row.phase : "working",
                                static_cast<long long>(row.blocks_done), static_cast<long long>(row.blocks_total),
                                static_cast<long long>(row.rows)),
                         errhint("SELECT * FROM listguard.progress shows it from any session.")));
    }
}

void begin_progress(const char* command)
{
    in_worker_operation = true;
    worker_started = GetCurrentTimestamp();
    Slot* slot = my_slot();
    if (slot == nullptr)
        return;
    SpinLockAcquire(&slot->lock);
    slot->pid = MyProcPid;
    slot->database = MyDatabaseId;
    slot->backend_start = MyStartTimestamp;
    slot->statement_start = 0;
    memset(&slot->row, 0, sizeof slot->row);
    slot->row.pid = MyProcPid;
    strlcpy(slot->row.command, command, sizeof slot->row.command);
    slot->row.started = worker_started;
    slot->row.updated = worker_started;
    SpinLockRelease(&slot->lock);
}

void end_progress()
{
    in_worker_operation = false;
    Slot* slot = my_slot();
    if (slot == nullptr)
        return;
    SpinLockAcquire(&slot->lock);
    slot->pid = 0;
    slot->row.command[0] = '\0';
    SpinLockRelease(&slot->lock);
}

namespace {

// Whether a backend is running the statement a slot was filled by (a
// worker's operation: whether the worker still runs).
bool still_running(int pid, TimestampTz backend_start, TimestampTz statement_start)
{
    int n = pgstat_fetch_stat_numbackends();
    for (int i = 1; i <= n; i++) {
        LocalPgBackendStatus* local = pgstat_fetch_stat_local_beentry(i);
        if (local == nullptr)
            continue;
        PgBackendStatus* be = &local->backendStatus;
        if (be->st_procpid != pid || be->st_proc_start_timestamp != backend_start)
            continue;
        if (statement_start == 0 || !pgstat_track_activities)
            return true;
        return be->st_state == STATE_RUNNING && be->st_activity_start_timestamp == statement_start;
    }
    return false;
}

} // namespace

ProgressRow* progress_snapshot(Oid database, int* count)
{
    *count = 0;
    auto* out = static_cast<ProgressRow*>(palloc(sizeof(ProgressRow) * Max(slot_count, 1)));
    for (int i = 0; i < slot_count; i++) {
        Slot* slot = &slots[i];
        SpinLockAcquire(&slot->lock);
        bool mine = slot->pid != 0 && slot->database == database && slot->row.command[0] != '\0';
        int pid = slot->pid;
        TimestampTz backend_start = slot->backend_start;
        TimestampTz statement_start = slot->statement_start;
        ProgressRow row = slot->row;
        SpinLockRelease(&slot->lock);
        if (mine && still_running(pid, backend_start, statement_start))
            out[(*count)++] = row;
    }
    return out;
}

Size progress_shared_size()
{
    return mul_size(sizeof(Slot), MaxBackends);
}

void attach_progress_shared()
{
    bool found;
    slot_count = MaxBackends;
    slots = static_cast<Slot*>(ShmemInitStruct("listguard progress", progress_shared_size(), &found));
    if (!found)
        for (int i = 0; i < slot_count; i++) {
            SpinLockInit(&slots[i].lock);
            slots[i].pid = 0;
            slots[i].row.command[0] = '\0';
        }
}

} // namespace listguard::pg

using namespace listguard::pg;

extern "C" {
PG_FUNCTION_INFO_V1(lg_note_progress);
}

// listguard._note_progress(command, tbl, phase, blocks_done, blocks_total,
// rows): listguard's PL/pgSQL code (protect(), retire_key()) says where it
// stands.
extern "C" Datum lg_note_progress(PG_FUNCTION_ARGS)
{
    report_progress(
        PG_ARGISNULL(0) ? "?" : text_to_cstring(PG_GETARG_TEXT_PP(0)), PG_ARGISNULL(1) ? InvalidOid : PG_GETARG_OID(1),
        PG_ARGISNULL(2) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(2)), PG_ARGISNULL(3) ? 0 : PG_GETARG_INT64(3),
        PG_ARGISNULL(4) ? 0 : PG_GETARG_INT64(4), PG_ARGISNULL(5) ? 0 : PG_GETARG_INT64(5));
    PG_RETURN_VOID();
}
