#include "pg/audit/queue.h"

#include <algorithm>

#include "pg/base/settings.h"

extern "C" {
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

constexpr int kMaxWriters = 64; // databases with a running writer

struct Writer {
    Oid database;
    int procno; // -1 while starting
    TimestampTz launched;
    int64 overflowed;
    int64 in_flight; // taken from the queue, not yet committed
};

struct Queue {
    LWLock* lock;
    int64 next_sequence;
    int64 front_sequence; // requeued events go before every other: 0, -1, -2, ...
    int free_top;
    Writer writers[kMaxWriters];
    // followed by: int free_stack[size]; bool filled[size]; AuditEvent slots[size]
};

Queue* queue = nullptr;
int* free_stack = nullptr;
bool* filled = nullptr;
AuditEvent* slots = nullptr;

Size queue_size()
{
    Size size = MAXALIGN(sizeof(Queue));
    size = add_size(size, MAXALIGN(mul_size(sizeof(int), audit_queue_size_setting)));
    size = add_size(size, MAXALIGN(mul_size(sizeof(bool), audit_queue_size_setting)));
    return add_size(size, mul_size(sizeof(AuditEvent), audit_queue_size_setting));
}

} // namespace

Size audit_queue_shared_size() { return queue_size(); }

void attach_audit_queue_shared()
{
    bool found;
    char* base = static_cast<char*>(ShmemInitStruct("listguard audit queue", queue_size(), &found));
    queue = reinterpret_cast<Queue*>(base);
    base += MAXALIGN(sizeof(Queue));
    free_stack = reinterpret_cast<int*>(base);
    base += MAXALIGN(sizeof(int) * audit_queue_size_setting);
    filled = reinterpret_cast<bool*>(base);
    base += MAXALIGN(sizeof(bool) * audit_queue_size_setting);
    slots = reinterpret_cast<AuditEvent*>(base);
    if (!found) {
        queue->lock = &(GetNamedLWLockTranche("listguard audit"))->lock;
        queue->next_sequence = 1;
        queue->front_sequence = 0;
        queue->free_top = audit_queue_size_setting;
        for (int i = 0; i < audit_queue_size_setting; i++) {
            free_stack[i] = i;
            filled[i] = false;
        }
        for (Writer& w : queue->writers)
            w = Writer{InvalidOid, -1, 0, 0, 0};
    }
}

namespace {

Writer* writer_of(Oid database)
{
    for (Writer& w : queue->writers)
        if (w.database == database)
            return &w;
    return nullptr;
}

// The database's writer entry, or a free one claimed for it; null when
// every entry is in use. Caller holds the lock.
Writer* writer_entry_for(Oid database)
{
    if (Writer* w = writer_of(database))
        return w;
    for (Writer& candidate : queue->writers)
        if (candidate.database == InvalidOid) {
            candidate.database = database;
            candidate.overflowed = 0;
            return &candidate;
        }
    return nullptr;
}

// Starts a writer for the database unless one runs or is starting (a start
// that has not registered within 10 s is tried again). Caller holds the lock.
void launch_writer_locked(Oid database)
{
    Writer* w = writer_of(database);
    TimestampTz now = GetCurrentTimestamp();
    if (w != nullptr && (w->procno >= 0 || !TimestampDifferenceExceeds(w->launched, now, 10000)))
        return;
    w = writer_entry_for(database);
    if (w == nullptr)
        return; // every writer entry in use: events wait in the queue
    w->procno = -1;
    w->launched = now;

    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = BGW_NEVER_RESTART;
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "listguard");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "listguard_audit_writer_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "listguard audit writer for database %u", database);
    snprintf(worker.bgw_type, BGW_MAXLEN, "listguard audit writer");
    worker.bgw_main_arg = ObjectIdGetDatum(database);
    worker.bgw_notify_pid = 0;
    if (!RegisterDynamicBackgroundWorker(&worker, nullptr))
        w->launched = now; // no worker slot free: try again in 10 s
}

} // namespace

bool audit_enqueue(AuditEvent& event)
{
    if (queue == nullptr)
        return false;
    Latch* latch = nullptr;
    bool accepted = false;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    if (queue->free_top > 0) {
        int slot = free_stack[--queue->free_top];
        event.sequence = queue->next_sequence++;
        slots[slot] = event;
        filled[slot] = true;
        accepted = true;
    }
    Writer* w = writer_of(event.database);
    if (w != nullptr && w->procno >= 0)
        latch = &ProcGlobal->allProcs[w->procno].procLatch;
    else
        launch_writer_locked(event.database);
    LWLockRelease(queue->lock);
    if (latch != nullptr)
        SetLatch(latch);
    return accepted;
}

int audit_requeue(Oid database, const AuditEvent* events, int count)
{
    if (queue == nullptr)
        return 0;
    int placed = 0;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    // The last first, each before the one placed before it.
    for (int i = count - 1; i >= 0 && queue->free_top > 0; i--) {
        int slot = free_stack[--queue->free_top];
        slots[slot] = events[i];
        slots[slot].sequence = queue->front_sequence--;
        filled[slot] = true;
        placed++;
    }
    Writer* w = writer_of(database);
    Latch* latch = (w != nullptr && w->procno >= 0) ? &ProcGlobal->allProcs[w->procno].procLatch : nullptr;
    if (latch == nullptr)
        launch_writer_locked(database);
    LWLockRelease(queue->lock);
    if (latch != nullptr)
        SetLatch(latch);
    return placed;
}

void audit_note_overflow(Oid database)
{
    if (queue == nullptr)
        return;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Writer* w = writer_of(database);
    if (w == nullptr)
        launch_writer_locked(database);
    w = writer_of(database);
    if (w != nullptr)
        w->overflowed++;
    LWLockRelease(queue->lock);
}

int audit_dequeue(Oid database, AuditEvent* out, int max, int64* overflowed)
{
    *overflowed = 0;
    if (queue == nullptr)
        return 0;
    // Collect this database's slots, oldest first.
    int* mine = static_cast<int*>(palloc(sizeof(int) * audit_queue_size_setting));
    int count = 0;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    for (int i = 0; i < audit_queue_size_setting; i++)
        if (filled[i] && slots[i].database == database)
            mine[count++] = i;
    std::sort(mine, mine + count, [](int a, int b) { return slots[a].sequence < slots[b].sequence; });
    count = std::min(count, max);
    for (int i = 0; i < count; i++) {
        out[i] = slots[mine[i]];
        filled[mine[i]] = false;
        free_stack[queue->free_top++] = mine[i];
    }
    Writer* w = writer_of(database);
    if (w != nullptr) {
        *overflowed = w->overflowed;
        w->overflowed = 0;
        if (count > 0 || *overflowed > 0)
            w->in_flight += count + (*overflowed > 0 ? 1 : 0); // until their anchor is written
    }
    LWLockRelease(queue->lock);
    pfree(mine);
    return count;
}

void audit_batch_done(Oid database)
{
    if (queue == nullptr)
        return;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Writer* w = writer_of(database);
    if (w != nullptr)
        w->in_flight = 0;
    LWLockRelease(queue->lock);
}

int64 audit_pending(Oid database)
{
    if (queue == nullptr)
        return 0;
    int64 pending = 0;
    LWLockAcquire(queue->lock, LW_SHARED);
    for (int i = 0; i < audit_queue_size_setting; i++)
        if (filled[i] && slots[i].database == database)
            pending++;
    Writer* w = writer_of(database);
    if (w != nullptr)
        pending += w->in_flight;
    LWLockRelease(queue->lock);
    return pending;
}

bool audit_register_writer(Oid database)
{
    if (queue == nullptr)
        return false;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Writer* w = writer_entry_for(database);
    bool ok = false;
    if (w != nullptr && w->procno < 0) {
        w->procno = MyProc->pgprocno;
        ok = true;
    }
    LWLockRelease(queue->lock);
    return ok;
}

void audit_unregister_writer(Oid database)
{
    if (queue == nullptr)
        return;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Writer* w = writer_of(database);
    if (w != nullptr && w->procno == MyProc->pgprocno) {
        // Keep the entry (and its overflow count) but mark it idle, so the
        // next event starts a new writer; events that arrived while this one
        // was leaving start it now.
        w->procno = -1;
        w->launched = 0;
        for (int i = 0; i < audit_queue_size_setting; i++)
            if (filled[i] && slots[i].database == database) {
                launch_writer_locked(database);
                break;
            }
    }
    LWLockRelease(queue->lock);
}

} // namespace listguard::pg
