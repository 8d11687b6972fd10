#include "pg/audit/restore.h"

#include "pg/audit/append.h"
#include "pg/audit/events.h"
#include "pg/audit/queue.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/spi.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

// A restore (pg_restore, or psql running a plain dump) fills listguard's
// tables after CREATE EXTENSION, and the writer may have appended the
// events of the restore itself by then: the restored history collides with
// them at id 1. The restored rows win; the writer's rows from that id on
// are taken out and appended again, after the restored history, at the end
// of the restoring statement.
struct Restore {
    AuditEvent* moved = nullptr; // in TopTransactionContext
    int moved_count = 0;
    int64 rows = 0; // rows the current statement inserted
    int64 first_id = 0;
    int64 last_id = 0;
};
Restore restore;
bool moving = false;   // our own DELETE of the rows being moved
bool appended = false; // this transaction appended to the chain

// Reads with a new snapshot (read_only = false): the writer's rows were
// committed after the restoring statement began, while it waited for the
// lock.
bool id_exists(int64 id)
{
    Oid type = INT8OID;
    Datum value = Int64GetDatum(id);
    return SPI_execute_with_args("SELECT 1 FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.=) $1", 1, &type,
                                 &value, nullptr, false, 1) == SPI_OK_SELECT &&
           SPI_processed > 0;
}

// Takes out the writer's rows from `from` on, keeping their events.
void move_rows_from(int64 from)
{
    Oid type = INT8OID;
    Datum value = Int64GetDatum(from);
    if (SPI_execute_with_args("SELECT * FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.>=) $1 ORDER BY id", 1,
                              &type, &value, nullptr, false, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read the audit events a restore replaces");
    int n = static_cast<int>(SPI_processed);
    MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
    AuditEvent* events = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent) * (restore.moved_count + n + 1)));
    if (restore.moved_count > 0)
        memcpy(events, restore.moved, sizeof(AuditEvent) * restore.moved_count);
    MemoryContextSwitchTo(old);
    for (int i = 0; i < n; i++) {
        Datum values[kAuditColumns];
        bool nulls[kAuditColumns];
        heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, nulls);
        audit_event_from_row(values, nulls, &events[restore.moved_count + i]);
    }
    restore.moved = events;
    restore.moved_count += n;
    moving = true;
    PG_TRY();
    {
        if (SPI_execute_with_args("DELETE FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.>=) $1", 1, &type,
                                  &value, nullptr, false, 0) != SPI_OK_DELETE)
            elog(ERROR, "could not take out the audit events a restore replaces");
    }
    PG_FINALLY();
    {
        moving = false;
    }
    PG_END_TRY();
}

// Whether the log holds the event before `id` with the link `prev_link`
// names (false too when it has no row before id at all).
bool continues(int64 id, const uint8* prev_link, bool* rows_before)
{
    Oid type = INT8OID;
    Datum value = Int64GetDatum(id);
    if (SPI_execute_with_args("SELECT max(id) FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.<) $1", 1, &type,
                              &value, nullptr, false, 1) != SPI_OK_SELECT)
        elog(ERROR, "could not read the audit log");
    bool isnull;
    Datum before = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    *rows_before = !isnull;
    if (isnull || DatumGetInt64(before) != id - 1 || prev_link == nullptr)
        return false;
    value = Int64GetDatum(id - 1);
    if (SPI_execute_with_args("SELECT link FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.=) $1", 1, &type,
                              &value, nullptr, false, 1) != SPI_OK_SELECT ||
        SPI_processed == 0)
        return false;
    bytea* link = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    return !isnull && VARSIZE_ANY_EXHDR(link) == kLinkSize && memcmp(VARDATA_ANY(link), prev_link, kLinkSize) == 0;
}

// A superuser's row inserted into the log: the restore case above.
void restored_row(int64 id, const uint8* prev_link)
{
    Oid audit_log = listguard_objects().audit_log;
    // The writer appends under a lock that this one conflicts with: it
    // waits until the restored rows are committed, then reads the new head.
    LockRelationOid(audit_log, ExclusiveLock);
    connect_spi();
    // A restored history whose first events were archived (it starts after
    // event 1) is a chain of its own: what the log held before it (the
    // restore's own first events) goes after it, as from event 1.
    bool rows_before = false;
    if (restore.rows == 0 && id > 1 && !continues(id, prev_link, &rows_before) && rows_before)
        move_rows_from(0);
    if (id_exists(id))
        move_rows_from(id);
    SPI_finish();
    if (restore.rows++ == 0)
        restore.first_id = id;
    restore.last_id = id;
}

} // namespace

bool audit_restore_moving()
{
    return moving;
}

void audit_restored_row(int64 id, const uint8* prev_link)
{
    restored_row(id, prev_link);
}

bool audit_append_restore_record()
{
    if (restore.rows == 0)
        return false;
    Oid audit_log = listguard_objects().audit_log;
    int count = restore.moved_count + 1;
    AuditEvent* events = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent) * count));
    if (restore.moved_count > 0)
        memcpy(events, restore.moved, sizeof(AuditEvent) * restore.moved_count);
    make_event(EventKind::AuditLogModified,
               psprintf("{\"operation\": \"INSERT\", \"rows\": %lld, \"first_id\": %lld, \"last_id\": %lld, "
                        "\"moved\": %d}",
                        static_cast<long long>(restore.rows), static_cast<long long>(restore.first_id),
                        static_cast<long long>(restore.last_id), restore.moved_count),
               EventScope{}, &events[count - 1]);
    restore = Restore{};
    // Appended as the writer would, in this transaction: it commits with
    // the restored rows or not at all. (The lock restored_row() took keeps
    // the writer out until then.)
    bool was_writer = in_audit_writer;
    in_audit_writer = true; // the guards of the audit tables let appenders through
    PG_TRY();
    {
        pinned_spi([&] {
            forget_audit_append_plan(); // made afresh: the extension may have been made in this transaction
            (void)append_to_audit_log(audit_log, events, count);
        });
    }
    PG_FINALLY();
    {
        in_audit_writer = was_writer;
    }
    PG_END_TRY();
    appended = true;
    return true;
}

void audit_restore_at_subtransaction_abort()
{
    // The statement that gathered rows failed: its deletes are undone, and
    // nothing is appended for it.
    restore = Restore{};
}

void audit_restore_at_transaction_end(bool committed)
{
    if (committed && restore.rows > 0) {
        // Rows inserted with no statement end seen (its trigger disabled):
        // recorded the old way, through the queue.
        record_event(EventKind::AuditLogModified,
                     psprintf("{\"operation\": \"INSERT\", \"rows\": %lld, \"first_id\": %lld, \"last_id\": "
                              "%lld, \"moved\": %d}",
                              static_cast<long long>(restore.rows), static_cast<long long>(restore.first_id),
                              static_cast<long long>(restore.last_id), restore.moved_count));
    }
    if (committed && restore.moved_count > 0) {
        int placed = audit_requeue(MyDatabaseId, restore.moved, restore.moved_count);
        for (int i = 0; i < restore.moved_count - placed; i++) {
            log_event(restore.moved[i], " (audit queue full)");
            audit_note_overflow(MyDatabaseId);
        }
    }
    if (committed && appended)
        audit_wake_writer(MyDatabaseId); // the anchor follows the chain's new end
    restore = Restore{};
    appended = false;
}

} // namespace listguard::pg
