// Bringing a text column of addresses under listguard.email: finding the
// values the type would refuse, and converting with errors that name the
// row, never the address.
#include "pg/activity/progress.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/spi.h"
#include "pg/type/input.h"

extern "C" {
#include "executor/spi.h"
#include "storage/bufmgr.h"
#include "storage/itemptr.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "executor/tuptable.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_invalid_addresses);
PG_FUNCTION_INFO_V1(lg_to_email);
}

using namespace listguard::pg;

namespace {

char* reason_of(const PendingError& error)
{
    return error.detail[0] ? psprintf("%s: %s", error.message, error.detail) : pstrdup(error.message);
}

// The rows of invalid_addresses()'s query, as the executor makes them:
// each value is checked as it comes, with nothing copied.
struct CheckReceiver {
    DestReceiver pub; // first: the executor sees a DestReceiver
    ReturnSetInfo* rsinfo;
    MemoryContext caller;
    MemoryContext row_context;
    Oid relid;    // for listguard.progress
    int64 blocks; // the table's, when the scan began
    int64 rows;   // rows checked so far
};

bool check_row(TupleTableSlot* slot, DestReceiver* self)
{
    auto* receiver = reinterpret_cast<CheckReceiver*>(self);
    bool isnull;
    // Where the scan is (listguard.progress): the block of the row, every
    // 10,000 rows.
    if (++receiver->rows % 10000 == 0) {
        Datum at = slot_getattr(slot, 1, &isnull);
        int64 block = isnull ? 0 : ItemPointerGetBlockNumber(reinterpret_cast<ItemPointer>(DatumGetPointer(at)));
        report_progress("invalid_addresses", receiver->relid, "checking", Min(block + 1, receiver->blocks),
                        receiver->blocks, receiver->rows);
    }
    Datum value = slot_getattr(slot, 2, &isnull);
    if (isnull)
        return true;
    MemoryContext old = MemoryContextSwitchTo(receiver->row_context);
    text* address = DatumGetTextPP(value);
    PendingError error;
    bool ok = check_text(VARDATA_ANY(address), VARSIZE_ANY_EXHDR(address), error);
    if (!ok) {
        Datum ctid = slot_getattr(slot, 1, &isnull);
        MemoryContextSwitchTo(receiver->caller);
        Datum values[2] = {ctid, CStringGetTextDatum(reason_of(error))};
        bool nulls[2] = {false, false};
        tuplestore_putvalues(receiver->rsinfo->setResult, receiver->rsinfo->setDesc, values, nulls);
    }
    MemoryContextSwitchTo(old);
    MemoryContextReset(receiver->row_context);
    return true;
}

void check_startup(DestReceiver*, int, TupleDesc) {}
void check_shutdown(DestReceiver*) {}
void check_destroy(DestReceiver*) {}

} // namespace

// listguard.invalid_addresses(tbl regclass, col name) -> (ctid, reason):
// every row whose value the type would refuse, with the reason it would
// give. Reads the table as the caller (its privileges and row security
// apply); each value is checked as the scan reaches it, as the input would
// check it but without sealing it (check_text()).
extern "C" Datum lg_invalid_addresses(PG_FUNCTION_ARGS)
{
    require_preload();
    Oid relid = PG_GETARG_OID(0);
    const char* column = NameStr(*PG_GETARG_NAME(1));
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    if (get_attnum(relid, column) == InvalidAttrNumber)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("column \"%s\" of table %s does not exist", column, get_rel_name(relid))));
    char* sql = psprintf("SELECT ctid, %s::pg_catalog.text FROM %s", quote_identifier(column),
                         quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid)));
    CheckReceiver receiver;
    memset(&receiver, 0, sizeof receiver);
    receiver.pub.receiveSlot = check_row;
    receiver.pub.rStartup = check_startup;
    receiver.pub.rShutdown = check_shutdown;
    receiver.pub.rDestroy = check_destroy;
    receiver.pub.mydest = DestNone;
    receiver.rsinfo = rsinfo;
    receiver.caller = CurrentMemoryContext;
    receiver.relid = relid;
    if (Relation rel = RelationIdGetRelation(relid); rel != nullptr) {
        if (RELKIND_HAS_STORAGE(rel->rd_rel->relkind))
            receiver.blocks = RelationGetNumberOfBlocks(rel);
        RelationClose(rel);
    }
    receiver.row_context =
        AllocSetContextCreate(CurrentMemoryContext, "listguard invalid_addresses", ALLOCSET_DEFAULT_SIZES);
    connect_spi();
    SPIExecuteOptions options;
    memset(&options, 0, sizeof options);
    options.read_only = true;
    options.dest = &receiver.pub;
    int rc = SPI_execute_extended(sql, &options);
    // A query whose rows go to a receiver of type DestNone reports itself
    // as a utility statement.
    if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
        elog(ERROR, "invalid_addresses: SPI_execute_extended returned %d", rc);
    SPI_finish();
    return (Datum)0;
}

// listguard.to_email(address text, row_key text) -> listguard.email: the
// cast, for ALTER TABLE ... TYPE listguard.email USING
// listguard.to_email(email, id::text): a value the type refuses stops the
// conversion with an error that names the row by the key given.
extern "C" Datum lg_to_email(PG_FUNCTION_ARGS)
{
    require_preload();
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    text* address = PG_GETARG_TEXT_PP(0);
    Datum result;
    PendingError error;
    if (seal_text(VARDATA_ANY(address), VARSIZE_ANY_EXHDR(address), &result, error))
        return result;
    char* row = PG_ARGISNULL(1) ? pstrdup("(no key)") : text_to_cstring(PG_GETARG_TEXT_PP(1));
    ereport(ERROR, (errcode(error.sqlstate), errmsg("%s in row %s", error.message, row),
                    error.detail[0] ? errdetail_internal("%s", error.detail) : 0,
                    errhint("listguard.invalid_addresses(table, column) lists every row the type would refuse.")));
    PG_RETURN_NULL();
}
