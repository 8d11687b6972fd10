#include "pg/audit/queue.h"

#include <algorithm>

#include "pg/activity/counters.h"
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
    int64 held;      // aggregated by the writer, not yet appended
};

constexpr int kMaxToldOfCrash = 1024; // databases whose log has the crash's gap

struct Queue {
    LWLock* lock;
    int64 next_sequence;
    int64 front_sequence; // requeued events go before every other: 0, -1, -2, ...
    int free_top;
    // The server restarted after a crash (or started after one): each
    // database's log gets a gap event before its next event, saying events
    // queued or sent to the server log before it may be missing.
    bool after_crash;
    int told_count;
    Oid told[kMaxToldOfCrash];
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

Size audit_queue_shared_size()
{
    return queue_size();
}

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
        queue->after_crash = false;
        queue->told_count = 0;
        for (int i = 0; i < audit_queue_size_setting; i++) {
            free_stack[i] = i;
            filled[i] = false;
        }
        for (Writer& w : queue->writers)
            w = Writer{InvalidOid, -1, 0, 0, 0, 0};
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

// Whether a writer must be started for the database: none runs or is
// starting (a start that has not registered within 10 s is tried again).
// Claims the entry as starting. Caller holds the lock.
bool claim_writer_start_locked(Oid database)
{
    Writer* w = writer_of(database);
    TimestampTz now = GetCurrentTimestamp();
    if (w != nullptr && (w->procno >= 0 || !TimestampDifferenceExceeds(w->launched, now, 10000)))
        return false;
    w = writer_entry_for(database);
    if (w == nullptr)
        return false; // every writer entry in use: events wait in the queue
    w->procno = -1;
    w->launched = now;
    return true;
}

// Registers the writer's background worker; called without the lock (the
// postmaster is signalled, which takes its time). If no worker slot is
// free, the next event tries again after 10 s.
void start_writer(Oid database)
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    // On a hot standby the writer is the link to the primary (pg/replica).
    worker.bgw_start_time = BgWorkerStart_ConsistentState;
    worker.bgw_restart_time = BGW_NEVER_RESTART;
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "listguard");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "listguard_database_worker_main"); // pg/worker
    snprintf(worker.bgw_name, BGW_MAXLEN, "listguard audit writer for database %u", database);
    snprintf(worker.bgw_type, BGW_MAXLEN, "listguard audit writer");
    worker.bgw_main_arg = ObjectIdGetDatum(database);
    worker.bgw_notify_pid = 0;
    (void)RegisterDynamicBackgroundWorker(&worker, nullptr);
}

// The latch of the database's writer, or null; whether one must be started.
Latch* writer_latch_locked(Oid database, bool* start)
{
    Writer* w = writer_of(database);
    if (w != nullptr && w->procno >= 0) {
        *start = false;
        return &ProcGlobal->allProcs[w->procno].procLatch;
    }
    *start = claim_writer_start_locked(database);
    return nullptr;
}

void wake_writer(Latch* latch, bool start, Oid database)
{
    if (latch != nullptr)
        SetLatch(latch);
    if (start)
        start_writer(database);
}

} // namespace

void audit_wake_writer(Oid database)
{
    if (queue == nullptr)
        return;
    bool start = false;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Latch* latch = writer_latch_locked(database, &start);
    LWLockRelease(queue->lock);
    wake_writer(latch, start, database);
}

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
    bool start = false;
    latch = writer_latch_locked(event.database, &start);
    LWLockRelease(queue->lock);
    wake_writer(latch, start, event.database);
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
    bool start = false;
    Latch* latch = writer_latch_locked(database, &start);
    LWLockRelease(queue->lock);
    wake_writer(latch, start, database);
    return placed;
}

void audit_note_overflow(Oid database)
{
    if (queue == nullptr)
        return;
    count(database, Counter::AuditOverflow);
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    bool start = writer_of(database) == nullptr && claim_writer_start_locked(database);
    Writer* w = writer_of(database);
    if (w != nullptr)
        w->overflowed++;
    LWLockRelease(queue->lock);
    if (start)
        start_writer(database);
}

int audit_dequeue(Oid database, AuditEvent* out, int max, int64* overflowed)
{
    *overflowed = 0;
    if (queue == nullptr)
        return 0;
    // Find this database's events under a shared lock and order them
    // without any lock: only this writer takes them out, and senders only
    // fill free slots, so they stay put until they are freed below.
    struct Mine {
        int64 sequence;
        int slot;
    };
    Mine* mine = static_cast<Mine*>(palloc(sizeof(Mine) * audit_queue_size_setting));
    int count = 0;
    LWLockAcquire(queue->lock, LW_SHARED);
    for (int i = 0; i < audit_queue_size_setting; i++)
        if (filled[i] && slots[i].database == database)
            mine[count++] = Mine{slots[i].sequence, i};
    LWLockRelease(queue->lock);
    std::sort(mine, mine + count, [](const Mine& a, const Mine& b) { return a.sequence < b.sequence; });
    count = std::min(count, max);
    for (int i = 0; i < count; i++)
        out[i] = slots[mine[i].slot];

    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    for (int i = 0; i < count; i++) {
        filled[mine[i].slot] = false;
        free_stack[queue->free_top++] = mine[i].slot;
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

void audit_set_held(Oid database, int64 held)
{
    if (queue == nullptr)
        return;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Writer* w = writer_of(database);
    if (w != nullptr)
        w->held = held;
    LWLockRelease(queue->lock);
}

void audit_start_waiting_writers()
{
    if (queue == nullptr)
        return;
    // A few at a time: the postmaster starts them one by one anyway.
    constexpr int kAtOnce = 8;
    Oid start[kAtOnce];
    int n = 0;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    for (int i = 0; i < audit_queue_size_setting && n < kAtOnce; i++) {
        if (!filled[i])
            continue;
        Oid database = slots[i].database;
        bool listed = false;
        for (int j = 0; j < n; j++)
            listed = listed || start[j] == database;
        if (!listed && claim_writer_start_locked(database))
            start[n++] = database;
    }
    LWLockRelease(queue->lock);
    for (int j = 0; j < n; j++)
        start_writer(start[j]);
}

namespace {

bool told_of_crash_locked(Oid database)
{
    for (int i = 0; i < queue->told_count; i++)
        if (queue->told[i] == database)
            return true;
    return false;
}

} // namespace

bool audit_after_crash()
{
    return queue != nullptr && queue->after_crash;
}

void audit_note_crash()
{
    if (queue != nullptr)
        queue->after_crash = true;
}

bool audit_take_crash_gap(Oid database)
{
    if (queue == nullptr)
        return false;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    bool take = queue->after_crash && !told_of_crash_locked(database);
    // Past the list's room a database may be told twice: harmless.
    if (take && queue->told_count < kMaxToldOfCrash)
        queue->told[queue->told_count++] = database;
    LWLockRelease(queue->lock);
    return take;
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
        pending += w->in_flight + w->held + (w->overflowed > 0 ? 1 : 0); // the gap event still to write
    if (queue->after_crash && !told_of_crash_locked(database))
        pending++; // the crash's gap event
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
    bool start = false;
    LWLockAcquire(queue->lock, LW_EXCLUSIVE);
    Writer* w = writer_of(database);
    if (w != nullptr && w->procno == MyProc->pgprocno) {
        w->procno = -1;
        w->launched = 0;
        w->in_flight = 0;
        w->held = 0;
        bool pending = false;
        for (int i = 0; i < audit_queue_size_setting && !pending; i++)
            pending = filled[i] && slots[i].database == database;
        if (pending) {
            start = claim_writer_start_locked(database); // events arrived while this one was leaving
        } else if (w->overflowed == 0) {
            w->database = InvalidOid; // the entry is free for any database
            // ... and a database whose events wait for a free entry gets it.
            for (int i = 0; i < audit_queue_size_setting; i++)
                if (filled[i] && writer_of(slots[i].database) == nullptr) {
                    database = slots[i].database;
                    start = claim_writer_start_locked(database);
                    break;
                }
        }
    }
    LWLockRelease(queue->lock);
    if (start)
        start_writer(database);
}

QueueState audit_queue_state(Oid database)
{
    QueueState state;
    if (queue == nullptr)
        return state;
    state.size = audit_queue_size_setting;
    LWLockAcquire(queue->lock, LW_SHARED);
    for (int i = 0; i < audit_queue_size_setting; i++) {
        if (!filled[i])
            continue;
        state.used++;
        if (slots[i].database == database && (state.oldest == 0 || slots[i].time < state.oldest))
            state.oldest = slots[i].time;
    }
    Writer* w = writer_of(database);
    state.writer_running = w != nullptr && w->procno >= 0;
    LWLockRelease(queue->lock);
    return state;
}

int audit_writers_running()
{
    if (queue == nullptr)
        return 0;
    int running = 0;
    LWLockAcquire(queue->lock, LW_SHARED);
    for (const Writer& w : queue->writers)
        if (w.database != InvalidOid && w.procno >= 0)
            running++;
    LWLockRelease(queue->lock);
    return running;
}

} // namespace listguard::pg
