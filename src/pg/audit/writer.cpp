// The audit writer's loop, run by a database's worker (pg/worker) on a
// primary: it takes events from the queue in order, links each to the
// previous one (the HMAC chain) and appends them to listguard.audit_log in
// its own transactions, then writes the chain's head (the anchor) to a file
// beside the server key. It is the only writer of the chain.
#include "pg/audit/writer.h"

#include "pg/activity/counters.h"
#include "pg/audit/anchor.h"
#include "pg/audit/append.h"
#include "pg/audit/events.h"
#include "pg/audit/queue.h"
#include "pg/audit/record.h"
#include "pg/audit/reveal_summaries.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/spi.h"
#include "pg/keys/keyring.h"
#include "pg/base/settings.h"

#include "core/audit/aggregate.h"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "storage/procarray.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "access/htup_details.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "access/relation.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

constexpr int kBatch = 256;
constexpr int kIdleExitMs = 2000;
constexpr int kAnchorEveryMs = 50;
constexpr long kGatherUs = 5000; // after a wake-up, let a few more events arrive

struct ChainHead {
    int64 id = 0;
    uint8 link[kLinkSize] = {};
    XLogRecPtr commit_end = InvalidXLogRecPtr; // the commit that put it in the table
};

ChainHead head;
TimestampTz last_anchor_log = 0;
Oid my_database = InvalidOid;

// The anchor (audit_anchor.h) follows the chain head: its file is kept
// open, rewritten in place, flushed to disk at most once a second and when
// the writer stops, and the head is logged now and then. A virtual file
// descriptor, not a transient one: fd.c closes transient files at the end of
// every transaction, and the writer runs one per batch.
File anchor_file = -1;
TimestampTz anchor_synced = 0;

void write_anchor(bool sync)
{
    if (head.id == 0)
        return;
    // The anchor must never name an event the table could lose in a crash:
    // the writer commits asynchronously, so its commit reaches the disk first.
    if (!XLogRecPtrIsInvalid(head.commit_end))
        XLogFlush(head.commit_end);
    if (anchor_file < 0) {
        char* path = audit_anchor_path(my_database);
        char* directory = pstrdup(path);
        *strrchr(directory, '/') = '\0';
        (void)MakePGDirectory(directory);
        anchor_file = PathNameOpenFile(path, O_RDWR | O_CREAT | PG_BINARY);
        if (anchor_file < 0) {
            // Loud: without an anchor a removed tail of the log goes unseen
            // (verify_audit() says so too).
            ereport(WARNING,
                    (errcode_for_file_access(), errmsg("could not open listguard audit anchor \"%s\": %m", path),
                     errhint("Make listguard.audit_anchor_directory writable by the server.")));
            return;
        }
    }
    char record[kAnchorRecordSize];
    Anchor anchor;
    anchor.id = head.id;
    memcpy(anchor.link, head.link, kLinkSize);
    format_anchor(anchor, record);
    if (FileWrite(anchor_file, record, sizeof record, 0, PG_WAIT_EXTENSION) != static_cast<int>(sizeof record))
        ereport(WARNING, (errcode_for_file_access(), errmsg("could not write listguard audit anchor: %m")));
    TimestampTz now = GetCurrentTimestamp();
    if (sync || TimestampDifferenceExceeds(anchor_synced, now, 1000)) {
        if (FileSync(anchor_file, PG_WAIT_EXTENSION) != 0)
            ereport(WARNING, (errcode_for_file_access(), errmsg("could not flush listguard audit anchor: %m")));
        anchor_synced = now;
    }
    if (audit_anchor_log_interval_setting > 0 &&
        TimestampDifferenceExceeds(last_anchor_log, now, audit_anchor_log_interval_setting * 1000)) {
        last_anchor_log = now;
        char hex[kLinkHexSize + 1];
        link_to_hex(head.link, hex);
        ereport(LOG, (errmsg("listguard audit anchor: database %u, event %lld, link %s", my_database,
                             static_cast<long long>(head.id), hex)));
    }
}

void log_events(const AuditEvent* events, int count, const char* why)
{
    for (int i = 0; i < count; i++)
        log_event(events[i], why);
}

enum class BatchResult {
    Written, // in the table
    Wait,    // not yet: the extension is being created by a transaction still open
    Failed,  // the transaction failed; try again
    Logged,  // the extension is not installed here: the server log has them
};

int audit_log_columns(Oid audit_log)
{
    Relation rel = relation_open(audit_log, AccessShareLock);
    int columns = RelationGetNumberOfAttributes(rel);
    relation_close(rel, AccessShareLock);
    return columns;
}

// Whether any event comes from a transaction the writer cannot see yet: in
// progress (the one creating the extension, say), or committed after the
// writer's snapshot was taken (its table invisible in this transaction
// though the transaction has ended).
bool from_unseen_transaction(const AuditEvent* events, int count)
{
    Snapshot snapshot = GetActiveSnapshot();
    for (int i = 0; i < count; i++) {
        TransactionId xid = XidFromFullTransactionId(FullTransactionIdFromU64(events[i].xid));
        if (TransactionIdIsValid(xid) && (TransactionIdIsInProgress(xid) || XidInMVCCSnapshot(xid, snapshot)))
            return true;
    }
    return false;
}

// Runs body in a transaction of its own, with SPI connected and a snapshot
// pushed. On an error logs it ("could not <what>"), aborts, and returns
// false.
template <typename F>
bool writer_transaction(const char* what, F&& body)
{
    MemoryContext caller = CurrentMemoryContext;
    volatile bool committed = true;
    PG_TRY();
    {
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        connect_spi();
        PushActiveSnapshot(GetTransactionSnapshot());
        body();
        PopActiveSnapshot();
        SPI_finish();
        CommitTransactionCommand();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller);
        ErrorData* error = CopyErrorData();
        FlushErrorState();
        AbortCurrentTransaction();
        forget_audit_append_plan();
        ereport(LOG, (errmsg("listguard audit writer could not %s, will try again: %s", what, error->message)));
        committed = false;
    }
    PG_END_TRY();
    return committed;
}

// Appends a batch in one transaction. The table is locked against a restore
// filling it meanwhile (which locks it too, see functions.cpp), and the
// chain head read under that lock.
BatchResult append_batch(const AuditEvent* events, int count)
{
    BatchResult result = BatchResult::Written;
    bool committed = writer_transaction(psprintf("append %d events", count), [&] {
        Oid audit_log = listguard_objects().audit_log;
        if (!OidIsValid(audit_log)) {
            if (from_unseen_transaction(events, count)) {
                result = BatchResult::Wait;
            } else {
                log_events(events, count, " (no audit log in this database)");
                result = BatchResult::Logged;
            }
        } else if (audit_log_columns(audit_log) != kAuditColumns) {
            // The library is newer than the extension's tables (between
            // installing a new listguard and ALTER EXTENSION listguard
            // UPDATE): the events wait for the update.
            result = BatchResult::Wait;
        } else {
            ChainTail tail = append_to_audit_log(audit_log, events, count);
            head.id = tail.id;
            memcpy(head.link, tail.link, kLinkSize);
        }
    });
    if (!committed)
        return BatchResult::Failed;
    if (result == BatchResult::Written) {
        head.commit_end = XactLastCommitEnd;
        ::listguard::pg::count(my_database, Counter::EventsAppended, count);
        for (int i = 0; i < count; i++)
            if (strcmp(events[i].kind, "audit_gap") == 0)
                ::listguard::pg::count(my_database, Counter::AuditGaps);
    }
    pgstat_report_stat(false);
    return result;
}

// Events that cannot go in now go back to the front of the queue; those
// that find no room there go to the server log, and a gap event says so.
void put_back(const AuditEvent* events, int count, const char* why)
{
    int placed = audit_requeue(my_database, events, count);
    if (placed < count) {
        log_events(events, count - placed, why);
        for (int i = placed; i < count; i++)
            audit_note_overflow(my_database);
    }
}

// Writes what was taken from the queue; a gap event first if events went to
// the server log for want of room. Returns how long to wait before the next
// attempt (0: go on).
constexpr int kMaxFailures = 8; // about 25 s of trying, then the server log keeps them
int failures = 0;

long write_batch(AuditEvent* events, int count, int64 overflowed, bool after_crash)
{
    int gaps = (overflowed > 0 ? 1 : 0) + (after_crash ? 1 : 0);
    if (gaps > 0) {
        AuditEvent* all = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent) * (count + gaps)));
        int g = 0;
        if (after_crash)
            all[g++] = audit_crash_gap_event(my_database);
        if (overflowed > 0)
            all[g++] =
                audit_gap_event(my_database, overflowed, "the audit queue was full or the table could not be written");
        memcpy(all + gaps, events, sizeof(AuditEvent) * count);
        events = all;
        count += gaps;
    }
    switch (append_batch(events, count)) {
    case BatchResult::Written:
    case BatchResult::Logged:
        failures = 0;
        return 0;
    case BatchResult::Wait:
        put_back(events, count, " (audit queue full)");
        return 200;
    case BatchResult::Failed:
        break;
    }
    if (++failures >= kMaxFailures) {
        failures = 0;
        log_events(events, count, " (not appended)");
        for (int i = 0; i < count; i++)
            audit_note_overflow(my_database);
        return 1000;
    }
    put_back(events, count, " (audit queue full)");
    return Min(100L << failures, 5000L);
}

// Woken with nothing queued: a standby's events may have been appended
// (pg/replica). Returns whether the chain grew past the head the anchor
// names; the lock waits for such an appender to commit.
bool catch_up_head()
{
    bool grew = false;
    (void)writer_transaction("read the end of the audit log", [&] {
        Oid audit_log = listguard_objects().audit_log;
        if (!OidIsValid(audit_log) || audit_log_columns(audit_log) != kAuditColumns)
            return;
        ChainTail tail = append_to_audit_log(audit_log, nullptr, 0);
        if (tail.id > head.id) {
            head.id = tail.id;
            memcpy(head.link, tail.link, kLinkSize);
            head.commit_end = InvalidXLogRecPtr; // its appender committed synchronously
            grew = true;
        }
    });
    return grew;
}

// listguard.audit_row_aggregation = 'second': rows_changed events of one
// role, table, client and application within a second become one. Held in
// the writer (at most a second or two of them, lost like queued events in
// a crash), appended once their second is over, and before the writer
// stops. A plain pointer: no object with a destructor in the library.
RowsPerSecond* per_second = nullptr;
constexpr std::size_t kCountsRoom = 400;

// Keeps the events the aggregation takes; returns how many of the others
// are left, in order, at the front of `events`.
int hold_for_aggregation(AuditEvent* events, int count)
{
    if (audit_row_aggregation_setting != static_cast<int>(RowAggregation::Second) && per_second == nullptr)
        return count;
    if (audit_row_aggregation_setting != static_cast<int>(RowAggregation::Second))
        return count; // off again: what is held goes out at the next take
    if (per_second == nullptr)
        per_second = guarded([] { return new RowsPerSecond(kCountsRoom); });
    int kept = 0;
    for (int i = 0; i < count; i++) {
        bool held = guarded([&] { return per_second->add(events[i]); });
        if (!held)
            events[kept++] = events[i];
    }
    audit_set_held(my_database, static_cast<int64>(per_second->pending()));
    return kept;
}

// Appends the aggregated events whose second is over (all, when stopping
// or when the aggregation was turned off). False if the append failed:
// they are put back in the queue like any other batch.
void append_aggregated(bool all)
{
    if (per_second == nullptr || per_second->pending() == 0)
        return;
    all = all || audit_row_aggregation_setting != static_cast<int>(RowAggregation::Second);
    TimestampTz now = GetCurrentTimestamp();
    constexpr int kMax = kBatch;
    AuditEvent* out = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent) * kMax));
    for (;;) {
        int n = static_cast<int>(guarded([&] { return per_second->take(now, all, out, kMax); }));
        audit_set_held(my_database, static_cast<int64>(per_second->pending()));
        if (n == 0)
            break;
        if (append_batch(out, n) != BatchResult::Written)
            put_back(out, n, " (audit queue full)");
    }
    pfree(out);
}

// Folds the reveal spool into the summaries (reveal_summaries.h), at most
// once a second while the writer runs, and before it leaves.
constexpr int kFoldEveryMs = 1000;
TimestampTz last_fold = 0;

void fold_spool(bool now)
{
    TimestampTz at = GetCurrentTimestamp();
    if (!now && !TimestampDifferenceExceeds(last_fold, at, kFoldEveryMs))
        return;
    last_fold = at;
    bool committed = writer_transaction("fold reveal summaries", [] { (void)fold_reveal_spool(my_database); });
    finish_reveal_spool(committed);
}

} // namespace

bool append_events_now(const AuditEvent* events, int count)
{
    return append_batch(events, count) == BatchResult::Written;
}

void run_audit_writer(Oid database)
{
    my_database = database;
    MemoryContext batch_context =
        AllocSetContextCreate(TopMemoryContext, "listguard audit batch", ALLOCSET_DEFAULT_SIZES);
    AuditEvent* events = static_cast<AuditEvent*>(MemoryContextAlloc(TopMemoryContext, sizeof(AuditEvent) * kBatch));
    bool stopping = false;
    bool anchor_due = false;
    TimestampTz last_event = GetCurrentTimestamp();
    TimestampTz last_anchor = 0;
    // As if woken: a writer started with nothing queued (another appender --
    // archive_audit(), a restore, a standby's events -- moved the chain's end
    // while none ran) catches up with the chain's end and writes the anchor.
    bool woken = true;
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
            forget_keyring();
        }
        int64 overflowed = 0;
        int count = audit_dequeue(my_database, events, kBatch, &overflowed);
        bool after_crash = audit_take_crash_gap(my_database);
        long pause = 0;
        if (count == 0 && overflowed == 0 && !after_crash && woken && catch_up_head()) {
            anchor_due = true;
            last_event = GetCurrentTimestamp();
        }
        woken = false;
        bool full_batch = count == kBatch;
        if (count > 0) {
            MemoryContext old = MemoryContextSwitchTo(batch_context);
            count = hold_for_aggregation(events, count);
            MemoryContextSwitchTo(old);
            last_event = GetCurrentTimestamp();
        }
        if (count > 0 || overflowed > 0 || after_crash) {
            last_event = GetCurrentTimestamp();
            MemoryContext old = MemoryContextSwitchTo(batch_context);
            pause = write_batch(events, count, overflowed, after_crash);
            MemoryContextSwitchTo(old);
            MemoryContextReset(batch_context);
            anchor_due = true;
        }
        if (per_second != nullptr && per_second->pending() > 0) {
            MemoryContext old = MemoryContextSwitchTo(batch_context);
            append_aggregated(stopping);
            MemoryContextSwitchTo(old);
            MemoryContextReset(batch_context);
            anchor_due = true;
        }
        if (pause == 0 && full_batch)
            continue; // more waiting: drain before anything else
        if (pause > 0) {
            (void)WaitLatch(MyLatch, WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, pause, PG_WAIT_EXTENSION);
            if (ShutdownRequestPending)
                stopping = true;
            if (!stopping)
                continue;
        }
        // The anchor follows the head within kAnchorEveryMs; a batch counts
        // as pending (audit_pending()) until its anchor is written.
        TimestampTz now = GetCurrentTimestamp();
        if (anchor_due && (stopping || TimestampDifferenceExceeds(last_anchor, now, kAnchorEveryMs))) {
            write_anchor(stopping);
            anchor_due = false;
            last_anchor = now;
            audit_batch_done(my_database);
        }
        fold_spool(false);
        // An idle writer leaves, so that it does not hold its database open:
        // DROP DATABASE waits 5 s for other sessions to go. The next event
        // starts a new one.
        bool holding = per_second != nullptr && per_second->pending() > 0;
        if (!anchor_due && !holding && (stopping || TimestampDifferenceExceeds(last_event, now, kIdleExitMs))) {
            fold_spool(true);
            break;
        }
        int rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, anchor_due ? kAnchorEveryMs : 500,
                           PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        woken = (rc & WL_LATCH_SET) != 0;
        if (woken)
            pg_usleep(kGatherUs); // write events in batches, not one transaction each
        if (ShutdownRequestPending)
            stopping = true; // one more pass: write what is queued, then stop
    }
    if (per_second != nullptr && per_second->pending() > 0) {
        append_aggregated(true);
        write_anchor(true);
    }
    write_anchor(true);
}

} // namespace listguard::pg
