// Bringing a text column of addresses under listguard.email: finding the
// values the type would refuse, and converting with errors that name the
// row, never the address.
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/spi.h"
#include "pg/type/input.h"

extern "C" {
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
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

} // namespace

// listguard.invalid_addresses(tbl regclass, col name) -> (ctid, reason):
// every row whose value the type would refuse, with the reason it would
// give. Reads the table as the caller (its privileges and row security
// apply), a batch of rows at a time.
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
    MemoryContext caller = CurrentMemoryContext;
    MemoryContext row_context = AllocSetContextCreate(caller, "listguard invalid_addresses", ALLOCSET_DEFAULT_SIZES);
    connect_spi();
    Portal portal = SPI_cursor_open_with_args("listguard_invalid_addresses", sql, 0, nullptr, nullptr, nullptr, true,
                                              CURSOR_OPT_NO_SCROLL);
    for (;;) {
        SPI_cursor_fetch(portal, true, 10000);
        if (SPI_processed == 0)
            break;
        for (uint64 i = 0; i < SPI_processed; i++) {
            bool isnull;
            Datum value = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
            if (isnull)
                continue;
            MemoryContext old = MemoryContextSwitchTo(row_context);
            text* address = DatumGetTextPP(value);
            Datum sealed;
            PendingError error;
            bool ok = seal_text(VARDATA_ANY(address), VARSIZE_ANY_EXHDR(address), &sealed, error);
            MemoryContextSwitchTo(old);
            if (!ok) {
                Datum ctid = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
                MemoryContext spi = MemoryContextSwitchTo(caller);
                Datum values[2] = {ctid, CStringGetTextDatum(reason_of(error))};
                bool nulls[2] = {false, false};
                tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
                MemoryContextSwitchTo(spi);
            }
            MemoryContextReset(row_context);
        }
        SPI_freetuptable(SPI_tuptable);
    }
    SPI_cursor_close(portal);
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
