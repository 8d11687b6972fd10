#include "pg/audit/heads.h"

#include <string>

#include "pg/audit/append.h"
#include "pg/audit/events.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/spi.h"
#include "pg/keys/keyring.h"

#include "core/audit/head.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(lg_audit_heads_guard);
PG_FUNCTION_INFO_V1(lg_accept_restored_history);
}

namespace listguard::pg {

namespace {

int64 int64_of(int row, int column, bool* isnull)
{
    return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column, isnull));
}

// One number from a query (0 if none).
int64 number(const char* sql)
{
    if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed == 0)
        return 0;
    bool isnull;
    int64 n = int64_of(0, 1, &isnull);
    return isnull ? 0 : n;
}

bool link_of_event(int64 id, uint8* link)
{
    Oid type = INT8OID;
    Datum arg = Int64GetDatum(id);
    if (SPI_execute_with_args("SELECT link FROM listguard.audit_log WHERE id = $1", 1, &type, &arg, nullptr, true, 1) !=
            SPI_OK_SELECT ||
        SPI_processed == 0)
        return false;
    bool isnull;
    bytea* b = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    if (isnull || VARSIZE_ANY_EXHDR(b) != kLinkSize)
        return false;
    memcpy(link, VARDATA_ANY(b), kLinkSize);
    return true;
}

// The last event a restore (a superuser's insert into the log) brought.
int64 last_restored_event()
{
    return number("SELECT max((detail->>'last_id')::bigint) FROM listguard.audit_log "
                  "WHERE kind = 'audit_log_modified' AND detail->>'operation' = 'INSERT' AND detail ? 'first_id'");
}

// A superuser's INSERT into audit_heads: a restore bringing the heads its
// dump carries. The dump's own head comes as its source left it (no
// restored_at, sealed as a chain's own); heads the source had itself
// restored come marked restored, sealed so by the restore that brought them
// there. A head whose seal fits what it says it is gets sealed again here,
// as restored now and nested or not; any other keeps its seal, which then
// fits nothing verify_audit() accepts (a restored head passed off as a
// dump's own, to stand in for the own head that was left out, is one).
HeapTuple restored_head(Relation rel, HeapTuple tuple)
{
    Oid relid = RelationGetRelid(rel);
    TupleDesc desc = RelationGetDescr(rel);
    AttrNumber a_source = listguard_column(relid, "source");
    AttrNumber a_last_id = listguard_column(relid, "last_id");
    AttrNumber a_link = listguard_column(relid, "last_link");
    AttrNumber a_as_of = listguard_column(relid, "as_of");
    AttrNumber a_seal = listguard_column(relid, "seal");
    AttrNumber a_restored_at = listguard_column(relid, "restored_at");
    AttrNumber a_nested = listguard_column(relid, "nested");
    bool isnull[5];
    Datum source = heap_getattr(tuple, a_source, desc, &isnull[0]);
    Datum last_id = heap_getattr(tuple, a_last_id, desc, &isnull[1]);
    Datum link = heap_getattr(tuple, a_link, desc, &isnull[2]);
    Datum as_of = heap_getattr(tuple, a_as_of, desc, &isnull[3]);
    Datum seal = heap_getattr(tuple, a_seal, desc, &isnull[4]);
    bool came_plain;
    Datum came_restored_at = heap_getattr(tuple, a_restored_at, desc, &came_plain);
    bool nested_null;
    Datum came_nested = heap_getattr(tuple, a_nested, desc, &nested_null);
    bool nested = !came_plain; // the dump's source had itself restored it

    TimestampTz now = GetCurrentTransactionStartTimestamp();
    Datum values[3] = {TimestampTzGetDatum(now), BoolGetDatum(nested), 0};
    bool nulls[3] = {false, false, false};
    int columns[3] = {a_restored_at, a_nested, a_seal};
    int changed = 2;
    bool complete = !isnull[0] && !isnull[1] && !isnull[2] && !isnull[3] && !isnull[4];
    bytea* link_bytes = complete ? DatumGetByteaPP(link) : nullptr;
    bytea* seal_bytes = complete ? DatumGetByteaPP(seal) : nullptr;
    if (complete && VARSIZE_ANY_EXHDR(link_bytes) == kLinkSize && VARSIZE_ANY_EXHDR(seal_bytes) == kLinkSize) {
        // Plain data only across the PostgreSQL calls; the C++ part in guarded().
        const char* source_text = TextDatumGetCString(source);
        const uint8* link_data = reinterpret_cast<const uint8*>(VARDATA_ANY(link_bytes));
        const uint8* seal_data = reinterpret_cast<const uint8*>(VARDATA_ANY(seal_bytes));
        int64 came_last_id = DatumGetInt64(last_id);
        TimestampTz came_as_of = DatumGetTimestampTz(as_of);
        TimestampTz came_at = came_plain ? 0 : DatumGetTimestampTz(came_restored_at);
        bool came_as_nested = !nested_null && DatumGetBool(came_nested);
        uint8 new_seal[kLinkSize];
        ensure_keyring();
        bool fits = guarded([&] {
            AuditHead head;
            head.source = source_text;
            head.last_id = came_last_id;
            memcpy(head.link, link_data, kLinkSize);
            head.as_of = came_as_of;
            head.restored = !came_plain;
            head.restored_at = came_at;
            head.nested = came_as_nested;
            if (!head_seal_valid(keyring().audit(), head, seal_data))
                return false;
            head.restored = true;
            head.restored_at = now;
            head.nested = nested;
            seal_head(keyring().audit(), head, new_seal);
            return true;
        });
        if (fits) {
            values[2] = bytea_datum(new_seal, kLinkSize);
            changed = 3;
        }
    }
    return heap_modify_tuple_by_cols(tuple, desc, changed, columns, values, nulls);
}

} // namespace

char* check_restored_heads(int64 chain_end, int64* first_broken, int64 archived_through)
{
    if (!OidIsValid(listguard_objects().audit_heads))
        return nullptr;
    if (SPI_execute("SELECT source, last_id, last_link, as_of, seal, restored_at, nested FROM listguard.audit_heads "
                    "WHERE restored_at IS NOT NULL ORDER BY last_id",
                    true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.audit_heads");
    SPITupleTable* heads = SPI_tuptable;
    uint64 count = SPI_processed;
    int64 proven = 0;     // the restored history the dumps' own heads prove whole
    int64 nested_end = 0; // how far the heads nested in restored histories reach
    const char* nested_source = nullptr;
    for (uint64 i = 0; i < count; i++) {
        HeapTuple row = heads->vals[i];
        TupleDesc desc = heads->tupdesc;
        bool isnull;
        // Plain data only across the PostgreSQL calls; the C++ part in guarded().
        const char* source = TextDatumGetCString(SPI_getbinval(row, desc, 1, &isnull));
        int64 last_id = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
        bytea* link = DatumGetByteaPP(SPI_getbinval(row, desc, 3, &isnull));
        TimestampTz head_as_of = DatumGetTimestampTz(SPI_getbinval(row, desc, 4, &isnull));
        bytea* seal = DatumGetByteaPP(SPI_getbinval(row, desc, 5, &isnull));
        TimestampTz restored_at = DatumGetTimestampTz(SPI_getbinval(row, desc, 6, &isnull));
        Datum nested_datum = SPI_getbinval(row, desc, 7, &isnull);
        bool nested = !isnull && DatumGetBool(nested_datum);
        const char* as_of = pstrdup(timestamptz_to_str(head_as_of));
        if (last_id <= archived_through) {
            // Its events were archived: the segments carry their proof (a
            // nested head proves only an older history, as below).
            if (!nested)
                proven = Max(proven, last_id);
            continue;
        }
        bool shaped = VARSIZE_ANY_EXHDR(link) == kLinkSize && VARSIZE_ANY_EXHDR(seal) == kLinkSize;
        const uint8* head_link = reinterpret_cast<const uint8*>(VARDATA_ANY(link));
        ensure_keyring();
        // Sealed again by the restore that brought it, if it was sealed by
        // this keyring as it came (lg_audit_heads_guard()).
        bool sealed_here =
            shaped && guarded([&] {
                AuditHead head;
                head.source = source;
                head.last_id = last_id;
                memcpy(head.link, head_link, kLinkSize);
                head.as_of = head_as_of;
                head.restored = true;
                head.restored_at = restored_at;
                head.nested = nested;
                return head_seal_valid(keyring().audit(), head, reinterpret_cast<const uint8*>(VARDATA_ANY(seal)));
            });
        if (!sealed_here) {
            *first_broken = last_id;
            return psprintf("the head record of %s (event %lld, %s) that came with a restore is not sealed by this "
                            "keyring: it was made or changed outside listguard",
                            source, static_cast<long long>(last_id), as_of);
        }
        uint8 found[kLinkSize];
        if (last_id > chain_end || !link_of_event(last_id, found)) {
            *first_broken = chain_end + 1;
            return psprintf("events %lld to %lld of the restored history are missing: the head record of %s says "
                            "its chain reached event %lld on %s, and this log ends at event %lld",
                            static_cast<long long>(chain_end + 1), static_cast<long long>(last_id), source,
                            static_cast<long long>(last_id), as_of, static_cast<long long>(chain_end));
        }
        if (!links_equal(found, head_link)) {
            *first_broken = last_id;
            return psprintf("event %lld is not the event the head record of %s names: the restored history was cut "
                            "(its chain reached event %lld on %s), and later events took its place",
                            static_cast<long long>(last_id), source, static_cast<long long>(last_id), as_of);
        }
        // A nested head came in a history its dump's source had itself
        // restored: it proves that older history, not the dump's own.
        if (nested) {
            if (last_id >= nested_end) {
                nested_end = last_id;
                nested_source = source;
            }
        } else {
            proven = Max(proven, last_id);
        }
    }
    // Every restored history needs its dump's own head (or an
    // administrator's word), covering its newest event.
    int64 restored = last_restored_event();
    int64 accepted = number("SELECT max((detail->>'through_id')::bigint) FROM listguard.audit_log "
                            "WHERE kind = 'audit_log_modified' AND detail->>'operation' = 'accept restored history'");
    if (restored > Max(proven, accepted)) {
        *first_broken = Max(proven, accepted) + 1;
        if (nested_source != nullptr && nested_end >= restored)
            return psprintf("events up to %lld came in with a restore that brought no head record of its dump's own "
                            "chain: the head record of %s (event %lld) came in a history the dump's source had "
                            "itself restored, and proves only that older history; what the source added after it "
                            "may have been cut from the dump",
                            static_cast<long long>(restored), nested_source, static_cast<long long>(nested_end));
        return psprintf("events up to %lld came in with a restore that brought no head record of their chain: nothing "
                        "proves that history is whole (its last events may have been cut from the dump)",
                        static_cast<long long>(restored));
    }
    return nullptr;
}

} // namespace listguard::pg

using namespace listguard::pg;

// Rows of listguard.audit_heads come from the appenders of the audit log.
// A superuser's INSERT is a restore bringing a head with its dump: it is
// marked restored. Other changes by a superuser are recorded; any other
// role is refused (privileges stop it before, pg_write_all_data here).
extern "C" Datum lg_audit_heads_guard(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.audit_heads_guard()");
    Relation rel = data->tg_relation;
    if (RelationGetRelid(rel) != listguard_objects().audit_heads)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.audit_heads_guard() may only run as a trigger on listguard.audit_heads")));
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
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to change listguard.audit_heads"),
                 errdetail("The audit chain's head is kept by listguard's audit writer only.")));
    }
    if (TRIGGER_FIRED_FOR_ROW(data->tg_event) && TRIGGER_FIRED_BY_INSERT(data->tg_event))
        return PointerGetDatum(restored_head(rel, result));
    record_event(EventKind::AuditLogModified, psprintf("{\"operation\": \"%s\"}", op), scope);
    return PointerGetDatum(result);
}

// listguard._accept_restored_history(reason) -> bigint (admins, through
// accept_restored_history()): records that the restored history up to the
// last restored event is accepted without a head record.
extern "C" Datum lg_accept_restored_history(PG_FUNCTION_ARGS)
{
    require_preload();
    const char* reason = PG_ARGISNULL(0) ? "" : text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (reason[0] == '\0')
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("a reason is needed"),
                        errdetail("Accepting a history nothing proves whole is recorded with its reason.")));
    connect_spi();
    int64 through = last_restored_event();
    SPI_finish();
    record_event(EventKind::AuditLogModified,
                 psprintf("{\"operation\": \"accept restored history\", \"through_id\": %lld, \"reason\": %s}",
                          static_cast<long long>(through), json_string(reason)));
    PG_RETURN_INT64(through);
}
