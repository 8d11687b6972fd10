// SQL functions of the audit trail: verify_audit()'s implementation, the
// digest of an address (for audit_for()), and the trigger that records any
// change to listguard.audit_log made outside its writer.
#include "pg/audit/anchor.h"
#include "pg/audit/append.h"
#include "pg/audit/archived_head.h"
#include "pg/audit/events.h"
#include "pg/audit/heads.h"
#include "pg/audit/queue.h"
#include "pg/audit/record.h"
#include "pg/audit/restore.h"
#include "pg/base/guard.h"
#include "pg/base/spi.h"
#include "pg/keys/keyring.h"
#include "pg/base/catalog.h"
#include "pg/base/preload.h"
#include "pg/type/stored_value.h"

#include "core/email/address.h"

extern "C" {
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "storage/lmgr.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_verify_audit);
PG_FUNCTION_INFO_V1(lg_email_digest);
PG_FUNCTION_INFO_V1(lg_audit_log_modified);
PG_FUNCTION_INFO_V1(lg_audit_pending);
}

namespace listguard::pg {

namespace {

bool bytea_equals(Datum d, const uint8* expected)
{
    bytea* b = DatumGetByteaPP(d);
    return VARSIZE_ANY_EXHDR(b) == kLinkSize && links_equal(reinterpret_cast<const uint8*>(VARDATA_ANY(b)), expected);
}

// Which event has this link (reordering shows as an event whose previous
// link belongs to an event elsewhere in the log).
int64 event_with_link(const uint8* link)
{
    Oid type = BYTEAOID;
    Datum arg = bytea_datum(link, kLinkSize);
    if (SPI_execute_with_args("SELECT id FROM listguard.audit_log WHERE link OPERATOR(pg_catalog.=) $1 LIMIT 1", 1,
                              &type, &arg, nullptr, true, 1) != SPI_OK_SELECT ||
        SPI_processed == 0)
        return 0;
    bool isnull;
    return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

} // namespace

} // namespace listguard::pg

using namespace listguard;
using namespace listguard::pg;

// listguard._verify_audit() -> (ok, checked, first_broken, problem): walks
// the chain in id order and reports the first break, then checks the tail
// against the anchor kept beside the server key.
extern "C" Datum lg_verify_audit(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    // The anchor first: whatever it names is committed, so the scan sees it.
    bool anchor_file = false;
    Anchor anchor = read_audit_anchor(MyDatabaseId, &anchor_file);

    int64 checked = 0;
    int64 first_broken = 0;
    char* problem = nullptr;
    uint8 previous[kLinkSize] = {};
    int64 previous_id = 0;
    bool anchor_seen = false;
    bool anchor_matches = true;

    // Per-row work (detoasting, output functions, the canonical bytes) is
    // freed row by row: a log of millions of events fits in a few kilobytes.
    MemoryContext row_context =
        AllocSetContextCreate(CurrentMemoryContext, "listguard verify_audit row", ALLOCSET_DEFAULT_SIZES);
    connect_spi();
    // Events archived (archive_audit()) are in segments: the chain goes on
    // in the table from the last segment's exit link, which its sealed
    // record gives.
    ArchivedHead archived = read_archived_head();
    int64 archived_through = 0;
    if (archived.present && !archived.sealed) {
        first_broken = archived.first_id;
        problem = psprintf("the record of archived segment %s (events %lld to %lld) is not sealed by this keyring: it "
                           "was made or changed outside listguard",
                           archived.segment, static_cast<long long>(archived.first_id),
                           static_cast<long long>(archived.last_id));
    } else if (archived.present) {
        archived_through = archived.last_id;
        previous_id = archived.last_id;
        memcpy(previous, archived.exit_link, kLinkSize);
    }
    Portal portal = SPI_cursor_open_with_args("listguard_verify", "SELECT * FROM listguard.audit_log ORDER BY id", 0,
                                              nullptr, nullptr, nullptr, true, CURSOR_OPT_NO_SCROLL);
    while (problem == nullptr) {
        SPI_cursor_fetch(portal, true, 1000);
        if (SPI_processed == 0)
            break;
        SPITupleTable* table = SPI_tuptable;
        if (table->tupdesc->natts != kAuditColumns)
            ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("listguard.audit_log has an unexpected shape")));
        for (uint64 r = 0; r < SPI_processed && problem == nullptr; r++) {
            Datum values[kAuditColumns];
            bool nulls[kAuditColumns];
            heap_deform_tuple(table->vals[r], table->tupdesc, values, nulls);
            int64 id = DatumGetInt64(values[kId]);
            checked++;
            MemoryContextReset(row_context);
            MemoryContext old = MemoryContextSwitchTo(row_context);
            if (id <= archived_through) {
                first_broken = id;
                problem = psprintf("event %lld lies within archived segment %s: it was inserted",
                                   static_cast<long long>(id), archived.segment);
            } else if (id != previous_id + 1) {
                first_broken = previous_id + 1;
                problem = id - 1 == previous_id + 1
                              ? psprintf("event %lld is missing: it was deleted", static_cast<long long>(first_broken))
                              : psprintf("events %lld to %lld are missing: they were deleted",
                                         static_cast<long long>(first_broken), static_cast<long long>(id - 1));
            } else if (nulls[kPrevLink] || !bytea_equals(values[kPrevLink], previous)) {
                first_broken = id;
                bytea* stated = nulls[kPrevLink] ? nullptr : DatumGetByteaPP(values[kPrevLink]);
                int64 elsewhere = (stated && VARSIZE_ANY_EXHDR(stated) == kLinkSize)
                                      ? event_with_link(reinterpret_cast<uint8*>(VARDATA_ANY(stated)))
                                      : 0;
                problem = elsewhere > 0
                              ? psprintf("event %lld is out of order: it belongs after event %lld (events were "
                                         "reordered)",
                                         static_cast<long long>(id), static_cast<long long>(elsewhere))
                              : psprintf("event %lld does not follow event %lld: it was inserted or changed",
                                         static_cast<long long>(id), static_cast<long long>(previous_id));
            } else {
                uint8 link[kLinkSize];
                audit_row_link(values, nulls, link);
                if (nulls[kLink] || !bytea_equals(values[kLink], link)) {
                    first_broken = id;
                    problem = (anchor.present() && id > anchor.id)
                                  ? psprintf("event %lld was inserted: it is not part of the chain",
                                             static_cast<long long>(id))
                                  : psprintf("event %lld was modified: its content does not match its link",
                                             static_cast<long long>(id));
                } else {
                    memcpy(previous, link, kLinkSize);
                    previous_id = id;
                    if (anchor.present() && id == anchor.id) {
                        anchor_seen = true;
                        anchor_matches = links_equal(link, anchor.link);
                    }
                }
            }
            MemoryContextSwitchTo(old);
        }
        SPI_freetuptable(SPI_tuptable);
    }
    SPI_cursor_close(portal);
    if (problem == nullptr)
        problem = check_restored_heads(previous_id, &first_broken, archived_through);
    SPI_finish();

    if (problem == nullptr && checked > 0 && !anchor.present()) {
        problem = anchor_file ? pstrdup("the audit anchor is unreadable: a removed tail of the log would go unseen")
                              : psprintf("there is no audit anchor (\"%s\"): a removed tail of the log would go "
                                         "unseen",
                                         audit_anchor_path(MyDatabaseId));
    } else if (problem == nullptr && anchor.present()) {
        if (previous_id < anchor.id) {
            first_broken = previous_id + 1;
            problem = psprintf("the last %lld events are missing: the anchor records event %lld, the log ends at "
                               "event %lld",
                               static_cast<long long>(anchor.id - previous_id), static_cast<long long>(anchor.id),
                               static_cast<long long>(previous_id));
        } else if (anchor_seen && !anchor_matches) {
            first_broken = anchor.id;
            problem = psprintf("event %lld differs from the audit anchor", static_cast<long long>(anchor.id));
        }
    }

    Datum values[4] = {BoolGetDatum(problem == nullptr), Int64GetDatum(checked), Int64GetDatum(first_broken),
                       problem ? CStringGetTextDatum(problem) : 0};
    bool nulls[4] = {false, false, problem == nullptr, problem == nullptr};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    return (Datum)0;
}

// listguard._email_digest(address text) -> bytea: the keyed digest that
// events hold in place of an address.
extern "C" Datum lg_email_digest(PG_FUNCTION_ARGS)
{
    require_preload();
    char* address = text_to_cstring(PG_GETARG_TEXT_PP(0));
    ensure_keyring();
    uint8 digest[sealed::kDigestSize];
    guarded([&] {
        keyring().email().digest(parse_address(address).canonical(), digest);
        return 0;
    });
    PG_RETURN_DATUM(bytea_datum(digest, sizeof digest));
}

// Triggers on listguard.audit_log, which only its writer appends to.
// Privileges stop every role but superusers, and a role given
// pg_write_all_data (which listguard refuses to hand out) is stopped here.
// A superuser's change is allowed (listguard cannot stop a superuser),
// recorded, and shown by verify_audit(): BEFORE ROW for each changed or
// deleted event, AFTER STATEMENT for inserted rows (a restore inserts many)
// and BEFORE TRUNCATE.
extern "C" Datum lg_audit_log_modified(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.audit_log_modified()");
    if (RelationGetRelid(data->tg_relation) != listguard_objects().audit_log)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.audit_log_modified() may only run as a trigger on listguard.audit_log")));
    HeapTuple result = TRIGGER_FIRED_BY_UPDATE(data->tg_event) ? data->tg_newtuple : data->tg_trigtuple;
    if (in_audit_writer || audit_restore_moving())
        return PointerGetDatum(result);
    const char* op = TRIGGER_FIRED_BY_INSERT(data->tg_event)   ? "INSERT"
                     : TRIGGER_FIRED_BY_UPDATE(data->tg_event) ? "UPDATE"
                     : TRIGGER_FIRED_BY_DELETE(data->tg_event) ? "DELETE"
                                                               : "TRUNCATE";
    bool row = TRIGGER_FIRED_FOR_ROW(data->tg_event);
    if (!superuser()) {
        record_event(EventKind::AuditLogModified, psprintf("{\"operation\": \"%s\", \"refused\": true}", op));
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to change listguard.audit_log"),
                 errdetail("The audit log is appended to by listguard's audit writer only.")));
    }
    if (row && TRIGGER_FIRED_BY_INSERT(data->tg_event)) {
        bool isnull, prev_null;
        Datum id = heap_getattr(data->tg_trigtuple, kId + 1, RelationGetDescr(data->tg_relation), &isnull);
        Datum prev = heap_getattr(data->tg_trigtuple, kPrevLink + 1, RelationGetDescr(data->tg_relation), &prev_null);
        bytea* prev_link = prev_null ? nullptr : DatumGetByteaPP(prev);
        if (!isnull)
            audit_restored_row(DatumGetInt64(id), prev_link && VARSIZE_ANY_EXHDR(prev_link) == kLinkSize
                                                      ? reinterpret_cast<const uint8*>(VARDATA_ANY(prev_link))
                                                      : nullptr);
        return PointerGetDatum(result);
    }
    char* detail;
    if (row) {
        bool isnull;
        Datum id = heap_getattr(data->tg_trigtuple, kId + 1, RelationGetDescr(data->tg_relation), &isnull);
        detail = psprintf("{\"operation\": \"%s\", \"id\": %lld}", op,
                          isnull ? 0LL : static_cast<long long>(DatumGetInt64(id)));
    } else if (TRIGGER_FIRED_BY_INSERT(data->tg_event)) {
        // A restore's rows: its record goes into the chain in this
        // transaction (restore.h), not through the queue.
        (void)audit_append_restore_record();
        return PointerGetDatum(nullptr);
    } else {
        detail = psprintf("{\"operation\": \"%s\"}", op);
    }
    record_event(EventKind::AuditLogModified, detail);
    return PointerGetDatum(result);
}

// listguard.audit_pending(): events of this database not yet in its audit
// log (queued, or being written).
extern "C" Datum lg_audit_pending(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_INT64(audit_pending(MyDatabaseId));
}
