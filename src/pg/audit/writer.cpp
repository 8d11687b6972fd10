// The audit writer: one background worker per database with listguard,
// started by the first event of that database. It takes events from the
// queue in order, links each to the previous one (the HMAC chain) and
// appends them to listguard.audit_log in its own transactions, then writes
// the chain's head (the anchor) to a file beside the server key. It is the
// only writer of the chain.
#include "pg/audit/anchor.h"
#include "pg/audit/events.h"
#include "pg/audit/queue.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/keys.h"
#include "pg/base/settings.h"

extern "C" {
#include "access/xact.h"
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
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PGDLLEXPORT void listguard_audit_writer_main(Datum);
}

namespace listguard::pg {

extern bool in_audit_writer;

namespace {

constexpr int kBatch = 256;
constexpr int kIdleExitMs = 2000;
constexpr int kAnchorEveryMs = 50;
constexpr long kGatherUs = 5000;    // after a wake-up, let a few more events arrive

struct ChainHead {
    bool known = false;
    int64 id = 0;
    uint8 link[kLinkSize] = {};
};

ChainHead head;
SPIPlanPtr insert_plan = nullptr;
TimestampTz last_anchor_log = 0;
Oid my_database = InvalidOid;

void forget_writer(int, Datum) { audit_unregister_writer(my_database); }

// Reads the chain's head from the table (the last event).
void load_head()
{
    head = ChainHead{};
    int rc = SPI_execute("SELECT id, link FROM listguard.audit_log ORDER BY id DESC LIMIT 1", true, 1);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "could not read the audit chain head");
    if (SPI_processed == 1) {
        bool isnull;
        head.id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
        bytea* link = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
        if (!isnull && VARSIZE_ANY_EXHDR(link) == kLinkSize)
            memcpy(head.link, VARDATA_ANY(link), kLinkSize);
    }
    head.known = true;
}

// One INSERT per batch: the rows go in as one array of the table's row
// type, so the executor starts once per batch, not once per event.
Oid row_type = InvalidOid;

void prepare_insert()
{
    if (insert_plan != nullptr)
        return;
    row_type = get_rel_type_id(listguard_objects().audit_log);
    Oid array_type = get_array_type(row_type);
    SPIPlanPtr plan =
        SPI_prepare("INSERT INTO listguard.audit_log SELECT * FROM unnest($1)", 1, &array_type);
    if (plan == nullptr)
        elog(ERROR, "could not prepare the audit insert: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    insert_plan = plan;
}

// The anchor (audit_anchor.h) follows the chain head: its file is kept
// open, rewritten in place, flushed to disk at most once a second and when
// the writer stops, and the head is logged now and then. A virtual file
// descriptor, not a transient one: fd.c closes transient files at the end of
// every transaction, and the writer runs one per batch.
File anchor_file = -1;
TimestampTz anchor_synced = 0;

void write_anchor(bool sync)
{
    if (!head.known || head.id == 0)
        return;
    if (anchor_file < 0) {
        char* path = audit_anchor_path(my_database);
        anchor_file = PathNameOpenFile(path, O_RDWR | O_CREAT | PG_BINARY);
        if (anchor_file < 0) {
            ereport(LOG, (errcode_for_file_access(), errmsg("could not open listguard audit anchor \"%s\": %m", path)));
            return;
        }
    }
    char record[kAnchorRecordSize];
    Anchor anchor;
    anchor.id = head.id;
    memcpy(anchor.link, head.link, kLinkSize);
    format_anchor(anchor, record);
    if (FileWrite(anchor_file, record, sizeof record, 0, PG_WAIT_EXTENSION) != static_cast<int>(sizeof record))
        ereport(LOG, (errcode_for_file_access(), errmsg("could not write listguard audit anchor: %m")));
    TimestampTz now = GetCurrentTimestamp();
    if (sync || TimestampDifferenceExceeds(anchor_synced, now, 1000)) {
        if (FileSync(anchor_file, PG_WAIT_EXTENSION) != 0)
            ereport(LOG, (errcode_for_file_access(), errmsg("could not flush listguard audit anchor: %m")));
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

void append_batch(const AuditEvent* events, int count);

// Appends a batch in one transaction. An event that went to the log for
// want of room is noted by a gap event first.
void write_batch(AuditEvent* events, int count, int64 overflowed)
{
    if (overflowed > 0) {
        // A gap event, made here, in the writer's own name.
        AuditEvent* gap = static_cast<AuditEvent*>(palloc0(sizeof(AuditEvent)));
        gap->database = my_database;
        gap->time = GetCurrentTimestamp();
        strlcpy(gap->kind, "audit_gap", sizeof gap->kind);
        strlcpy(gap->session_user, "listguard audit writer", sizeof gap->session_user);
        strlcpy(gap->current_user, "listguard audit writer", sizeof gap->current_user);
        gap->pid = MyProcPid;
        snprintf(gap->detail, sizeof gap->detail,
                 "{\"events_in_server_log\": %lld, \"why\": \"the audit queue was full\"}",
                 static_cast<long long>(overflowed));
        gap->detail_length = strlen(gap->detail);
        AuditEvent* all = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent) * (count + 1)));
        all[0] = *gap;
        memcpy(all + 1, events, sizeof(AuditEvent) * count);
        events = all;
        count++;
    }
    append_batch(events, count);
}

void append_batch(const AuditEvent* events, int count)
{
    MemoryContext batch_context = CurrentMemoryContext;
    PG_TRY();
    {
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        SPI_connect();
        PushActiveSnapshot(GetTransactionSnapshot());
        if (!OidIsValid(listguard_objects().audit_log)) {
            // The extension is gone from this database: the log keeps them.
            log_events(events, count, " (no audit log in this database)");
        } else {
            if (!head.known)
                load_head();
            prepare_insert();
            TupleDesc desc = lookup_rowtype_tupdesc(row_type, -1);
            Datum* rows = static_cast<Datum*>(palloc(sizeof(Datum) * count));
            Datum values[kAuditColumns];
            bool nulls[kAuditColumns];
            ChainHead next = head;
            for (int i = 0; i < count; i++) {
                int64 id = next.id + 1;
                audit_row_from_event(events[i], id, next.link, values, nulls);
                uint8 link[kLinkSize];
                audit_row_link(values, nulls, link);
                values[kLink] = bytea_datum(link, kLinkSize);
                nulls[kLink] = false;
                rows[i] = heap_copy_tuple_as_datum(heap_form_tuple(desc, values, nulls), desc);
                next.id = id;
                memcpy(next.link, link, kLinkSize);
            }
            ReleaseTupleDesc(desc);
            Datum array = PointerGetDatum(construct_array(rows, count, row_type, -1, false, TYPALIGN_DOUBLE));
            if (SPI_execute_plan(insert_plan, &array, nullptr, false, 0) != SPI_OK_INSERT)
                elog(ERROR, "could not append to listguard.audit_log");
            head = next; // only once the rows are in
        }
        PopActiveSnapshot();
        SPI_finish();
        CommitTransactionCommand();
    }
    PG_CATCH();
    {
        // Nothing is lost: the events go to the server log, and the chain
        // head is read again from the table next time.
        MemoryContextSwitchTo(batch_context);
        ErrorData* error = CopyErrorData();
        FlushErrorState();
        AbortCurrentTransaction();
        head.known = false;
        insert_plan = nullptr;
        ereport(LOG, (errmsg("listguard audit writer could not append %d events: %s", count, error->message)));
        log_events(events, count, " (not appended)");
    }
    PG_END_TRY();
}

} // namespace

} // namespace listguard::pg

void listguard_audit_writer_main(Datum arg)
{
    using namespace listguard::pg;
    my_database = DatumGetObjectId(arg);
    in_audit_writer = true;
    pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnectionByOid(my_database, InvalidOid, 0);
    pgstat_report_appname("listguard audit writer");
    // The events are already asynchronous to the sessions that raised them,
    // and a crash loses what is queued anyway: no flush per batch.
    SetConfigOption("synchronous_commit", "off", PGC_SUSET, PGC_S_OVERRIDE);

    if (!audit_register_writer(my_database))
        proc_exit(0); // another writer serves this database
    before_shmem_exit(forget_writer, 0);

    MemoryContext batch_context =
        AllocSetContextCreate(TopMemoryContext, "listguard audit batch", ALLOCSET_DEFAULT_SIZES);
    AuditEvent* events = static_cast<AuditEvent*>(MemoryContextAlloc(TopMemoryContext, sizeof(AuditEvent) * kBatch));
    bool stopping = false;
    bool anchor_due = false;
    TimestampTz last_event = GetCurrentTimestamp();
    TimestampTz last_anchor = 0;
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
            forget_keyring();
        }
        int64 overflowed = 0;
        int count = audit_dequeue(my_database, events, kBatch, &overflowed);
        if (count > 0 || overflowed > 0) {
            last_event = GetCurrentTimestamp();
            MemoryContext old = MemoryContextSwitchTo(batch_context);
            write_batch(events, count, overflowed);
            MemoryContextSwitchTo(old);
            MemoryContextReset(batch_context);
            anchor_due = true;
            if (count == kBatch)
                continue; // more waiting: drain before anything else
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
        // An idle writer leaves, so that it does not hold its database open:
        // DROP DATABASE waits 5 s for other sessions to go. The next event
        // starts a new one.
        if (!anchor_due && (stopping || TimestampDifferenceExceeds(last_event, now, kIdleExitMs)))
            break;
        int rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, anchor_due ? kAnchorEveryMs : 500,
                           PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        if (rc & WL_LATCH_SET)
            pg_usleep(kGatherUs); // write events in batches, not one transaction each
        if (ShutdownRequestPending)
            stopping = true; // one more pass: write what is queued, then stop
    }
    write_anchor(true);
    proc_exit(0);
}
