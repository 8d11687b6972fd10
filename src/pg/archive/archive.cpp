#include "pg/archive/archive.h"

#include "pg/activity/counters.h"
#include "pg/activity/progress.h"
#include "pg/audit/append.h"
#include "pg/audit/archived_head.h"
#include "pg/audit/events.h"
#include "pg/audit/heads.h"
#include "pg/audit/queue.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/settings.h"
#include "pg/base/spi.h"
#include "pg/keys/keyring.h"

#include "core/audit/anchor.h"
#include "core/audit/segment.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_archive_audit);
PG_FUNCTION_INFO_V1(lg_audit_archives_guard);
}

namespace listguard::pg {

namespace {

// The segment file this transaction wrote, or the temporary file it is
// writing: removed if it aborts.
char* written_segment = nullptr;
char* written_temporary = nullptr;

// Events per kind in what is archived, for the result and the event.
struct KindCount {
    char kind[32];
    int64 count;
};

void count_kind(List** kinds, const char* kind, MemoryContext keep)
{
    ListCell* lc;
    foreach (lc, *kinds) {
        auto* k = static_cast<KindCount*>(lfirst(lc));
        if (strcmp(k->kind, kind) == 0) {
            k->count++;
            return;
        }
    }
    MemoryContext old = MemoryContextSwitchTo(keep);
    auto* k = static_cast<KindCount*>(palloc0(sizeof(KindCount)));
    strlcpy(k->kind, kind, sizeof k->kind);
    k->count = 1;
    *kinds = lappend(*kinds, k);
    MemoryContextSwitchTo(old);
}

char* kinds_json(List* kinds)
{
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfoChar(&buf, '{');
    ListCell* lc;
    foreach (lc, kinds) {
        auto* k = static_cast<KindCount*>(lfirst(lc));
        if (buf.len > 1)
            appendStringInfoString(&buf, ", ");
        escape_json(&buf, k->kind);
        appendStringInfo(&buf, ": %lld", static_cast<long long>(k->count));
    }
    appendStringInfoChar(&buf, '}');
    return buf.data;
}

int64 int64_of(int column, bool* isnull)
{
    return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, isnull));
}

// One event of the range, checked and written: its id follows the last,
// its previous link is the last one's link, its link is its content's.
void archive_row(HeapTuple tuple, TupleDesc desc, FILE* file, const char* path, int64* previous_id, uint8* previous,
                 List** kinds, MemoryContext keep, int64* gaps, TimestampTz* last_gap)
{
    Datum values[kAuditColumns];
    bool nulls[kAuditColumns];
    heap_deform_tuple(tuple, desc, values, nulls);
    int64 id = DatumGetInt64(values[kId]);
    bytea* prev = nulls[kPrevLink] ? nullptr : DatumGetByteaPP(values[kPrevLink]);
    bytea* stated = nulls[kLink] ? nullptr : DatumGetByteaPP(values[kLink]);
    if (id != *previous_id + 1 || prev == nullptr || VARSIZE_ANY_EXHDR(prev) != kLinkSize ||
        !links_equal(reinterpret_cast<uint8*>(VARDATA_ANY(prev)), previous))
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("audit event %lld does not follow event %lld: the audit log is not archived",
                               static_cast<long long>(id), static_cast<long long>(*previous_id)),
                        errhint("SELECT * FROM listguard.verify_audit() says what is wrong with the chain.")));
    StringInfoData canonical;
    initStringInfo(&canonical);
    uint8 link[kLinkSize];
    ChainEncoding encoding;
    audit_row_link(values, nulls, link, &canonical, &encoding);
    if (stated == nullptr || VARSIZE_ANY_EXHDR(stated) != kLinkSize ||
        !links_equal(reinterpret_cast<uint8*>(VARDATA_ANY(stated)), link))
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("audit event %lld does not match its link: the audit log is not archived",
                               static_cast<long long>(id)),
                        errhint("SELECT * FROM listguard.verify_audit() says what is wrong with the chain.")));
    char* kind = TextDatumGetCString(values[kKind]);
    count_kind(kinds, kind, keep);
    if (strcmp(kind, "audit_gap") == 0) {
        (*gaps)++;
        *last_gap = DatumGetTimestampTz(values[kLoggedAt]);
    }
    guarded([&] {
        SegmentEvent e;
        e.id = id;
        e.encoding = encoding;
        memcpy(e.link, link, kLinkSize);
        e.canonical.assign(canonical.data, canonical.len);
        std::string line = render_segment_event(e);
        if (fwrite(line.data(), 1, line.size(), file) != line.size())
            throw Error(ErrorKind::Internal, "could not write an audit segment");
    });
    pfree(canonical.data);
    *previous_id = id;
    memcpy(previous, link, kLinkSize);
}

} // namespace

const char* archive_directory()
{
    if (audit_archive_directory_setting == nullptr || audit_archive_directory_setting[0] == '\0')
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("listguard.audit_archive_directory is not set"),
                        errdetail("Archived events are written to segment files in that directory, on the server."),
                        errhint("Set it in postgresql.conf (a directory the server may write, on storage that is "
                                "backed up) and reload the configuration.")));
    return audit_archive_directory_setting;
}

bool archive_audit_before(TimestampTz before, ArchiveResult* result)
{
    if (RecoveryInProgress())
        ereport(ERROR, (errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
                        errmsg("the audit log is archived on the primary, not on a standby")));
    const ListguardObjects& objects = listguard_objects();
    if (!OidIsValid(objects.audit_archives))
        ereport(ERROR,
                (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("listguard.audit_archives does not exist"),
                 errhint("Update the listguard extension: ALTER EXTENSION listguard UPDATE.")));
    Oid audit_log = objects.audit_log;
    const char* directory = archive_directory();
    if (IsolationUsesXactSnapshot())
        ereport(ERROR, (errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
                        errmsg("listguard archives its audit log only in READ COMMITTED transactions")));
    // The segment file is written before the transaction ends and removed
    // if it aborts; a savepoint rolled back would keep a file no record
    // names, whose events stay in the table.
    if (IsSubTransaction())
        ereport(ERROR, (errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
                        errmsg("listguard archives its audit log only outside savepoints and exception blocks"),
                        errhint("Call archive_audit() as a statement of its own transaction.")));
    report_progress("archive_audit", audit_log, "locking the audit log", 0, 0, 0);
    // As the writer appends: one at a time, and no restore meanwhile.
    LockRelationOid(audit_log, ShareRowExclusiveLock);

    MemoryContext caller = CurrentMemoryContext; // SPI_finish() frees what is made after connect_spi()
    connect_spi();
    ArchivedHead archived = read_archived_head(true);
    if (archived.present && !archived.sealed)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("the record of audit segment \"%s\" is not sealed by this keyring", archived.segment),
                        errdetail("listguard.audit_archives was changed outside listguard."),
                        errhint("SELECT * FROM listguard.verify_audit() says more.")));
    int64 through = archived.present ? archived.last_id : 0;
    uint8 previous[kLinkSize] = {};
    if (archived.present)
        memcpy(previous, archived.exit_link, kLinkSize);

    // A fresh snapshot (the lock was taken after this statement's).
    Oid types[] = {TIMESTAMPTZOID};
    Datum args[] = {TimestampTzGetDatum(before)};
    if (SPI_execute_with_args("SELECT min(id), max(id), (SELECT min(a.id) FROM listguard.audit_log a "
                              "WHERE a.logged_at OPERATOR(pg_catalog.>=) $1) FROM listguard.audit_log",
                              1, types, args, nullptr, false, 1) != SPI_OK_SELECT)
        elog(ERROR, "could not read the audit log's extent");
    bool no_first, no_last, none_newer;
    int64 first = int64_of(1, &no_first);
    int64 chain_end = int64_of(2, &no_last);
    int64 newer = int64_of(3, &none_newer);
    if (no_first) {
        SPI_finish();
        return false;
    }
    if (first != through + 1)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("the audit log starts at event %lld, and its archive ends at event %lld",
                               static_cast<long long>(first), static_cast<long long>(through)),
                        errdetail("Events were deleted or inserted outside listguard; nothing is archived."),
                        errhint("SELECT * FROM listguard.verify_audit() says what is wrong with the chain.")));
    int64 last = none_newer ? chain_end : newer - 1;
    if (last < first) {
        SPI_finish();
        return false;
    }
    // Restored history must be proven whole before it is sealed away.
    int64 broken = 0;
    if (char* problem = check_restored_heads(chain_end, &broken))
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("the audit log is not archived: %s", problem),
                        errhint("SELECT * FROM listguard.verify_audit() says more.")));

    (void)MakePGDirectory(directory);
    char name[128];
    guarded([&] { strlcpy(name, segment_file_name(MyDatabaseId, first, last).c_str(), sizeof name); });
    char* path = psprintf("%s/%s", directory, name);
    char* temporary = psprintf("%s.tmp", path);
    FILE* file = AllocateFile(temporary, PG_BINARY_W);
    if (file == nullptr)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create audit segment \"%s\": %m", temporary),
                        errhint("Make listguard.audit_archive_directory writable by the server.")));
    written_temporary = MemoryContextStrdup(TopTransactionContext, temporary);
    ArchivedHead header;
    strlcpy(header.segment, name, sizeof header.segment);
    strlcpy(header.source, own_chain_source(), sizeof header.source);
    header.first_id = first;
    header.last_id = last;
    memcpy(header.entry_link, previous, kLinkSize);
    header.events = last - first + 1;
    header.archived_at = GetCurrentTimestamp();
    bool written = guarded([&] {
        SegmentHeader h;
        h.source = header.source;
        h.first_id = first;
        h.archived_at = header.archived_at;
        memcpy(h.entry_link, previous, kLinkSize);
        std::string text = render_segment_header(h);
        return fwrite(text.data(), 1, text.size(), file) == text.size();
    });
    if (!written)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not write audit segment \"%s\": %m", temporary)));

    // The events, in order, each checked as it is written, under a fresh
    // snapshot: this statement's was taken before the lock, and a call that
    // waited for another archive_audit() would not see the event it appended
    // (read_only = false gives the cursor a new one).
    List* kinds = nullptr;
    int64 gaps = 0;
    TimestampTz last_gap = 0;
    int64 previous_id = first - 1;
    Oid range_types[] = {INT8OID, INT8OID};
    Datum range[] = {Int64GetDatum(first), Int64GetDatum(last)};
    Portal portal = SPI_cursor_open_with_args(
        "listguard_archive",
        "SELECT * FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.>=) $1 AND id OPERATOR(pg_catalog.<=) $2 "
        "ORDER BY id",
        2, range_types, range, nullptr, false, CURSOR_OPT_NO_SCROLL);
    MemoryContext keep = CurrentMemoryContext;
    MemoryContext row_context =
        AllocSetContextCreate(CurrentMemoryContext, "listguard archive row", ALLOCSET_DEFAULT_SIZES);
    int64 done = 0;
    for (;;) {
        SPI_cursor_fetch(portal, true, 1000);
        if (SPI_processed == 0)
            break;
        if (SPI_tuptable->tupdesc->natts != kAuditColumns)
            ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("listguard.audit_log has an unexpected shape")));
        for (uint64 r = 0; r < SPI_processed; r++) {
            MemoryContext old = MemoryContextSwitchTo(row_context);
            archive_row(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, file, temporary, &previous_id, previous, &kinds,
                        keep, &gaps, &last_gap);
            MemoryContextSwitchTo(old);
            MemoryContextReset(row_context);
        }
        done += static_cast<int64>(SPI_processed);
        SPI_freetuptable(SPI_tuptable);
        report_progress("archive_audit", audit_log, "writing the segment", done, header.events, 0);
    }
    SPI_cursor_close(portal);
    if (previous_id != last)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("audit events %lld to %lld are missing: the audit log is not archived",
                               static_cast<long long>(previous_id + 1), static_cast<long long>(last))));
    memcpy(header.exit_link, previous, kLinkSize);
    uint8 seal[kLinkSize];
    ensure_keyring();
    guarded([&] {
        SegmentHeader h;
        h.source = header.source;
        h.first_id = first;
        h.last_id = last;
        memcpy(h.entry_link, header.entry_link, kLinkSize);
        memcpy(h.exit_link, header.exit_link, kLinkSize);
        h.events = header.events;
        h.archived_at = header.archived_at;
        seal_segment(keyring().audit(), h, seal);
        std::string text = render_segment_trailer(h, seal);
        if (fwrite(text.data(), 1, text.size(), file) != text.size())
            throw Error(ErrorKind::Internal, "could not write an audit segment");
    });
    if (fflush(file) != 0 || pg_fsync(fileno(file)) != 0)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not write audit segment \"%s\": %m", temporary)));
    FreeFile(file);
    // In place only now, flushed with its directory: a crash leaves a
    // segment whole or a temporary file, never half a segment.
    (void)durable_rename(temporary, path, ERROR);
    written_segment = MemoryContextStrdup(TopTransactionContext, path);
    written_temporary = nullptr;
    report_progress("archive_audit", audit_log, "removing the archived events", done, header.events, 0);

    // Out of the table, into the record of archives, and the chain says so:
    // one transaction.
    bool was_writer = in_audit_writer;
    in_audit_writer = true;
    PG_TRY();
    {
        // What trace() and report_canary_hit() need of the archived events: when
        // each canary was revealed, and whether the trail had gaps.
        if (SPI_execute_with_args(
                "INSERT INTO listguard.canary_reveal_history AS h (canary, first_revealed, last_revealed, reveals) "
                "SELECT c.id, min(a.logged_at), max(a.logged_at), count(*) FROM listguard.audit_log a "
                "JOIN listguard.canaries c ON a.logged_at OPERATOR(pg_catalog.>=) c.planted_at AND "
                "listguard._canary_in_record(a.detail ->> 'canaries', c.id, c.slot, a.account IS NOT DISTINCT FROM "
                "c.account) "
                "WHERE a.id OPERATOR(pg_catalog.>=) $1 AND a.id OPERATOR(pg_catalog.<=) $2 AND a.kind = 'clear_reveal' "
                "GROUP BY c.id ON CONFLICT (canary) DO UPDATE SET "
                "first_revealed = least(h.first_revealed, excluded.first_revealed), "
                "last_revealed = greatest(h.last_revealed, excluded.last_revealed), "
                "reveals = h.reveals OPERATOR(pg_catalog.+) excluded.reveals",
                2, range_types, range, nullptr, false, 0) != SPI_OK_INSERT)
            elog(ERROR, "could not keep the canary reveals of the archived events");
        if (SPI_execute_with_args("DELETE FROM listguard.audit_log WHERE id OPERATOR(pg_catalog.>=) $1 "
                                  "AND id OPERATOR(pg_catalog.<=) $2",
                                  2, range_types, range, nullptr, false, 0) != SPI_OK_DELETE ||
            static_cast<int64>(SPI_processed) != header.events)
            elog(ERROR, "could not take the archived events out of the audit log");
        Oid record_types[] = {TEXTOID, TEXTOID,        INT8OID,  INT8OID, BYTEAOID,      BYTEAOID,
                              INT8OID, TIMESTAMPTZOID, BYTEAOID, INT8OID, TIMESTAMPTZOID};
        Datum record[] = {CStringGetTextDatum(name),
                          CStringGetTextDatum(header.source),
                          Int64GetDatum(first),
                          Int64GetDatum(last),
                          bytea_datum(header.entry_link, kLinkSize),
                          bytea_datum(header.exit_link, kLinkSize),
                          Int64GetDatum(header.events),
                          TimestampTzGetDatum(header.archived_at),
                          bytea_datum(seal, kLinkSize),
                          Int64GetDatum(gaps),
                          TimestampTzGetDatum(last_gap)};
        char record_nulls[] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', gaps > 0 ? ' ' : 'n'};
        if (SPI_execute_with_args("INSERT INTO listguard.audit_archives (segment, source, first_id, last_id, "
                                  "entry_link, exit_link, events, archived_at, seal, gap_events, last_gap_at) "
                                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                                  11, record_types, record, record_nulls, false, 0) != SPI_OK_INSERT)
            elog(ERROR, "could not record the audit segment");
        char hex[kLinkHexSize + 1];
        link_to_hex(header.exit_link, hex);
        char* kinds_text = kinds_json(kinds);
        result->kinds_json = MemoryContextStrdup(caller, kinds_text);
        AuditEvent* event = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent)));
        make_event(EventKind::AuditArchived,
                   psprintf("{\"segment\": %s, \"first_id\": %lld, \"last_id\": %lld, \"events\": %lld, "
                            "\"exit_link\": \"%s\", \"kinds\": %s}",
                            json_string(name), static_cast<long long>(first), static_cast<long long>(last),
                            static_cast<long long>(header.events), hex, kinds_text),
                   {}, event);
        (void)append_to_audit_log(audit_log, event, 1);
    }
    PG_FINALLY();
    {
        in_audit_writer = was_writer;
    }
    PG_END_TRY();
    SPI_finish();
    count(MyDatabaseId, Counter::EventsArchived, header.events);
    count(MyDatabaseId, Counter::Events, 1, "audit_archived");
    // The writer catches up with the chain's new end (and its anchor).
    audit_wake_writer(MyDatabaseId);

    strlcpy(result->segment, name, sizeof result->segment);
    result->first_id = first;
    result->last_id = last;
    result->events = header.events;
    return true;
}

// A segment belongs to the transaction that wrote it and removed its
// events; a prepared transaction could still be rolled back by another
// session, which would not remove the file (as with temporary tables,
// PREPARE is refused).
void archive_before_prepare()
{
    if (written_segment != nullptr || written_temporary != nullptr)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot PREPARE a transaction that has archived audit events"),
                        errhint("Call listguard.archive_audit() in a transaction of its own.")));
}

void archive_at_transaction_end(bool committed)
{
    if (!committed) {
        // Its events stay in the table.
        if (written_segment != nullptr)
            (void)unlink(written_segment);
        if (written_temporary != nullptr)
            (void)unlink(written_temporary);
    }
    written_segment = nullptr;
    written_temporary = nullptr;
}

void run_retention()
{
    if (audit_retention_setting <= 0 || audit_archive_directory_setting == nullptr ||
        audit_archive_directory_setting[0] == '\0')
        return;
    MemoryContext context = CurrentMemoryContext;
    PG_TRY();
    {
        SetCurrentStatementStartTimestamp();
        StartTransactionCommand();
        PushActiveSnapshot(GetTransactionSnapshot());
        if (OidIsValid(listguard_objects().audit_archives)) {
            TimestampTz before = GetCurrentTimestamp() - static_cast<int64>(audit_retention_setting) * USECS_PER_SEC;
            ArchiveResult result;
            if (archive_audit_before(before, &result))
                ereport(LOG, (errmsg("listguard archived audit events %lld to %lld of database %u into \"%s\"",
                                     static_cast<long long>(result.first_id), static_cast<long long>(result.last_id),
                                     MyDatabaseId, result.segment)));
        }
        PopActiveSnapshot();
        CommitTransactionCommand();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        ErrorData* error = CopyErrorData();
        FlushErrorState();
        AbortCurrentTransaction();
        ereport(LOG,
                (errmsg("listguard could not archive the audit log of database %u: %s", MyDatabaseId, error->message)));
    }
    PG_END_TRY();
}

} // namespace listguard::pg

using namespace listguard::pg;

// listguard._archive_audit(before) -> (segment, first_id, last_id, events,
// kinds): archive_audit()'s implementation, elevated by its admin gate.
extern "C" Datum lg_archive_audit(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("archive_audit() needs a time"),
                        errdetail("Events older than it are archived.")));
    ArchiveResult result;
    if (!archive_audit_before(PG_GETARG_TIMESTAMPTZ(0), &result))
        return (Datum)0;
    Datum values[5] = {CStringGetTextDatum(result.segment), Int64GetDatum(result.first_id),
                       Int64GetDatum(result.last_id), Int64GetDatum(result.events),
                       DirectFunctionCall1(jsonb_in, CStringGetDatum(result.kinds_json))};
    bool nulls[5] = {false, false, false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    return (Datum)0;
}

// listguard.audit_archives and canary_reveal_history are written by
// archive_audit() only; a superuser's insert is a restore bringing them
// (audit_archives' rows are marked restored), other changes by a superuser
// are recorded, anyone else's refused.
extern "C" Datum lg_audit_archives_guard(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.audit_archives_guard()");
    Relation rel = data->tg_relation;
    HeapTuple result = TRIGGER_FIRED_BY_UPDATE(data->tg_event) ? data->tg_newtuple : data->tg_trigtuple;
    if (in_audit_writer)
        return PointerGetDatum(result);
    const char* op = TRIGGER_FIRED_BY_INSERT(data->tg_event)   ? "INSERT"
                     : TRIGGER_FIRED_BY_UPDATE(data->tg_event) ? "UPDATE"
                     : TRIGGER_FIRED_BY_DELETE(data->tg_event) ? "DELETE"
                                                               : "TRUNCATE";
    EventScope scope = table_scope(RelationGetRelid(rel));
    if (!superuser()) {
        record_event(EventKind::AuditLogModified, psprintf("{\"operation\": \"%s\", \"refused\": true}", op), scope);
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("permission denied to change listguard.audit_archives"),
                        errdetail("The record of archived audit segments is kept by archive_audit() only.")));
    }
    int column = get_attnum(RelationGetRelid(rel), "restored_at");
    if (TRIGGER_FIRED_FOR_ROW(data->tg_event) && TRIGGER_FIRED_BY_INSERT(data->tg_event) &&
        column != InvalidAttrNumber) {
        Datum value = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
        bool isnull = false;
        return PointerGetDatum(heap_modify_tuple_by_cols(result, RelationGetDescr(rel), 1, &column, &value, &isnull));
    }
    if (TRIGGER_FIRED_FOR_ROW(data->tg_event) && !TRIGGER_FIRED_BY_INSERT(data->tg_event))
        record_event(EventKind::AuditLogModified, psprintf("{\"operation\": \"%s\"}", op), scope);
    return PointerGetDatum(result);
}
