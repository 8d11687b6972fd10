// The audit writer: one background worker per database with listguard,
// started by the first event of that database. It takes events from the
// queue in order, links each to the previous one (the HMAC chain) and
// appends them to listguard.audit_log in its own transactions, then writes
// the chain's head (the anchor) to a file beside the server key. It is the
// only writer of the chain.
#include "audit_queue.h"
#include "audit_record.h"
#include "catalog.h"
#include "guard.h"
#include "keys.h"
#include "module.h"

#include "key_file.h"

extern "C" {
#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PGDLLEXPORT void listguard_audit_writer_main(Datum);
}

namespace listguard::pg {

int audit_anchor_log_interval_setting = 60; // seconds
extern bool in_audit_writer;

namespace {

constexpr int kBatch = 256;
constexpr int kIdleExitMs = 2000;

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

void prepare_insert()
{
    if (insert_plan != nullptr)
        return;
    Oid types[kAuditColumns];
    for (int i = 0; i < kAuditColumns; i++)
        types[i] = kAuditColumnTypes[i];
    SPIPlanPtr plan = SPI_prepare("INSERT INTO listguard.audit_log VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                  "$11, $12, $13, $14, $15, $16, $17)",
                                  kAuditColumns, types);
    if (plan == nullptr)
        elog(ERROR, "could not prepare the audit insert: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    insert_plan = plan;
}

char* hex(const uint8* data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    char* out = static_cast<char*>(palloc(size * 2 + 1));
    for (size_t i = 0; i < size; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[size * 2] = '\0';
    return out;
}

// The anchor: the chain head, outside the table, so that a removed tail
// shows. Written beside the server key (atomically), and to the log now and
// then.
void write_anchor()
{
    if (!head.known || head.id == 0)
        return;
    char* path = psprintf("%s.audit-anchor.%u", key_file_setting ? key_file_setting : "listguard.key", my_database);
    char* temp = psprintf("%s.tmp", path);
    char* line = psprintf("%lld %s\n", static_cast<long long>(head.id), hex(head.link, kLinkSize));
    FILE* f = AllocateFile(temp, "w");
    bool ok = f != nullptr && fputs(line, f) >= 0;
    if (f != nullptr)
        ok = FreeFile(f) == 0 && ok;
    if (!ok || durable_rename(temp, path, LOG) != 0)
        ereport(LOG, (errcode_for_file_access(), errmsg("could not write listguard audit anchor \"%s\": %m", path)));

    TimestampTz now = GetCurrentTimestamp();
    if (audit_anchor_log_interval_setting > 0 &&
        TimestampDifferenceExceeds(last_anchor_log, now, audit_anchor_log_interval_setting * 1000)) {
        last_anchor_log = now;
        ereport(LOG, (errmsg("listguard audit anchor: database %u, event %lld, link %s", my_database,
                             static_cast<long long>(head.id), hex(head.link, kLinkSize))));
    }
}

void log_events_json(const AuditEvent* events, int count, const char* why)
{
    for (int i = 0; i < count; i++)
        ereport(LOG, (errmsg("listguard event (%s): {\"kind\": \"%s\", \"sequence\": %lld, \"detail\": %s}", why,
                             events[i].kind, static_cast<long long>(events[i].sequence), events[i].detail)));
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
            log_events_json(events, count, "no audit log in this database");
        } else {
            if (!head.known)
                load_head();
            prepare_insert();
            Datum values[kAuditColumns];
            bool nulls[kAuditColumns];
            char spi_nulls[kAuditColumns];
            for (int i = 0; i < count; i++) {
                int64 id = head.id + 1;
                audit_row_from_event(events[i], id, head.link, values, nulls);
                uint8 link[kLinkSize];
                audit_row_link(values, nulls, link);
                bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + kLinkSize));
                SET_VARSIZE(b, VARHDRSZ + kLinkSize);
                memcpy(VARDATA(b), link, kLinkSize);
                values[kLink] = PointerGetDatum(b);
                nulls[kLink] = false;
                for (int c = 0; c < kAuditColumns; c++)
                    spi_nulls[c] = nulls[c] ? 'n' : ' ';
                if (SPI_execute_plan(insert_plan, values, spi_nulls, false, 0) != SPI_OK_INSERT)
                    elog(ERROR, "could not append to listguard.audit_log");
                head.id = id;
                memcpy(head.link, link, kLinkSize);
            }
        }
        PopActiveSnapshot();
        SPI_finish();
        CommitTransactionCommand();
        write_anchor();
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
        log_events_json(events, count, "not appended");
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

    if (!audit_register_writer(my_database))
        proc_exit(0); // another writer serves this database
    before_shmem_exit(forget_writer, 0);

    MemoryContext batch_context =
        AllocSetContextCreate(TopMemoryContext, "listguard audit batch", ALLOCSET_DEFAULT_SIZES);
    AuditEvent* events = static_cast<AuditEvent*>(MemoryContextAlloc(TopMemoryContext, sizeof(AuditEvent) * kBatch));
    bool stopping = false;
    TimestampTz last_event = GetCurrentTimestamp();
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
            audit_batch_done(my_database);
            MemoryContextSwitchTo(old);
            MemoryContextReset(batch_context);
            continue; // drain before sleeping
        }
        // An idle writer leaves, so that it does not hold its database open:
        // DROP DATABASE waits 5 s for other sessions to go. The next event
        // starts a new one.
        if (stopping || TimestampDifferenceExceeds(last_event, GetCurrentTimestamp(), kIdleExitMs))
            break;
        (void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 500, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        if (ShutdownRequestPending)
            stopping = true; // one more pass: write what is queued, then stop
    }
    proc_exit(0);
}
