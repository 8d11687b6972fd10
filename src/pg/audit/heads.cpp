#include "pg/audit/heads.h"

#include <string>

#include "pg/audit/append.h"
#include "pg/audit/events.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
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

} // namespace

char* check_restored_heads(int64 chain_end, int64* first_broken, int64 archived_through)
{
    if (!OidIsValid(listguard_objects().audit_heads))
        return nullptr;
    if (SPI_execute("SELECT source, last_id, last_link, as_of, seal, restored_at FROM listguard.audit_heads "
                    "WHERE restored_at IS NOT NULL ORDER BY last_id",
                    true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.audit_heads");
    SPITupleTable* heads = SPI_tuptable;
    uint64 count = SPI_processed;
    int64 proven = 0; // the restored history the heads prove whole
    for (uint64 i = 0; i < count; i++) {
        HeapTuple row = heads->vals[i];
        TupleDesc desc = heads->tupdesc;
        bool isnull;
        AuditHead head;
        head.source = TextDatumGetCString(SPI_getbinval(row, desc, 1, &isnull));
        head.last_id = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
        bytea* link = DatumGetByteaPP(SPI_getbinval(row, desc, 3, &isnull));
        head.as_of = DatumGetTimestampTz(SPI_getbinval(row, desc, 4, &isnull));
        bytea* seal = DatumGetByteaPP(SPI_getbinval(row, desc, 5, &isnull));
        const char* as_of = pstrdup(timestamptz_to_str(head.as_of));
        if (head.last_id <= archived_through) {
            proven = Max(proven, head.last_id);
            continue;
        }
        bool shaped = VARSIZE_ANY_EXHDR(link) == kLinkSize && VARSIZE_ANY_EXHDR(seal) == kLinkSize;
        if (shaped)
            memcpy(head.link, VARDATA_ANY(link), kLinkSize);
        ensure_keyring();
        bool sealed_here =
            shaped && guarded([&] {
                return head_seal_valid(keyring().audit(), head, reinterpret_cast<const uint8*>(VARDATA_ANY(seal)));
            });
        if (!sealed_here) {
            *first_broken = head.last_id;
            return psprintf("the head record of %s (event %lld, %s) that came with a restore is not sealed by this "
                            "keyring: it was made or changed outside listguard",
                            head.source.c_str(), static_cast<long long>(head.last_id), as_of);
        }
        uint8 found[kLinkSize];
        if (head.last_id > chain_end || !link_of_event(head.last_id, found)) {
            *first_broken = chain_end + 1;
            return psprintf("events %lld to %lld of the restored history are missing: the head record of %s says "
                            "its chain reached event %lld on %s, and this log ends at event %lld",
                            static_cast<long long>(chain_end + 1), static_cast<long long>(head.last_id),
                            head.source.c_str(), static_cast<long long>(head.last_id), as_of,
                            static_cast<long long>(chain_end));
        }
        if (!links_equal(found, head.link)) {
            *first_broken = head.last_id;
            return psprintf("event %lld is not the event the head record of %s names: the restored history was cut "
                            "(its chain reached event %lld on %s), and later events took its place",
                            static_cast<long long>(head.last_id), head.source.c_str(),
                            static_cast<long long>(head.last_id), as_of);
        }
        proven = Max(proven, head.last_id);
    }
    // Every restored history needs a head (or an administrator's word).
    int64 restored = last_restored_event();
    int64 accepted = number("SELECT max((detail->>'through_id')::bigint) FROM listguard.audit_log "
                            "WHERE kind = 'audit_log_modified' AND detail->>'operation' = 'accept restored history'");
    if (restored > Max(proven, accepted)) {
        *first_broken = Max(proven, accepted) + 1;
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
    if (TRIGGER_FIRED_FOR_ROW(data->tg_event) && TRIGGER_FIRED_BY_INSERT(data->tg_event)) {
        TupleDesc desc = RelationGetDescr(rel);
        int column = listguard_column(RelationGetRelid(rel), "restored_at");
        Datum value = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
        bool isnull = false;
        return PointerGetDatum(heap_modify_tuple_by_cols(result, desc, 1, &column, &value, &isnull));
    }
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
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "SPI_connect failed");
    int64 through = last_restored_event();
    SPI_finish();
    record_event(EventKind::AuditLogModified,
                 psprintf("{\"operation\": \"accept restored history\", \"through_id\": %lld, \"reason\": %s}",
                          static_cast<long long>(through), json_string(reason)));
    PG_RETURN_INT64(through);
}
