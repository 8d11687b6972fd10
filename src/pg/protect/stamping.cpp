// Stamping the rows a table held before protect(): every unstamped value
// takes its row's account and list, in batches of blocks, without the
// table's triggers (none must see it as a change made by the admin).
// Values already stamped (copied from elsewhere) keep their stamp: stamping
// them here would launder them.
#include "pg/activity/counters.h"
#include "pg/activity/progress.h"
#include "pg/audit/events.h"
#include "pg/base/block_update.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/spi.h"
#include "pg/keys/keyring.h"
#include "pg/base/preload.h"
#include "pg/citus/citus.h"
#include "pg/protect/protection.h"
#include "pg/protect/row_scope.h"
#include "pg/protect/stamping.h"
#include "pg/type/stored_value.h"

extern "C" {
#include "access/table.h"
#include "storage/bufmgr.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(lg_unstamped);
PG_FUNCTION_INFO_V1(lg_stamped);
PG_FUNCTION_INFO_V1(lg_stamp_batch);
}

using namespace listguard;
using namespace listguard::pg;

// listguard._unstamped(email) -> boolean
extern "C" Datum lg_unstamped(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    PG_RETURN_BOOL(sealed::stamp_of(v.data) == Stamp{});
}

// listguard._stamped(email, account, list) -> email: an unstamped value
// with the given stamp; any other value as it is.
extern "C" Datum lg_stamped(PG_FUNCTION_ARGS)
{
    require_preload();
    struct varlena* value = PG_GETARG_VARLENA_PP(0);
    EmailBytes v = email_bytes(value);
    Stamp target{PG_GETARG_INT64(1), PG_GETARG_INT64(2)};
    if (sealed::stamp_of(v.data) != Stamp{} || target.account <= 0 || target.list < 0)
        PG_RETURN_POINTER(value);
    ensure_keyring();
    std::uint8_t restamped[sealed::kMaxSize];
    std::size_t size = guarded([&] { return keyring().email().restamp(v.data, v.size, target, restamped); });
    return email_datum(restamped, size);
}

namespace listguard::pg {

int64 stamp_blocks(Oid relid, int64 from, int64 to, const char* command)
{
    Protection p = protection_of(relid);
    if (!p.is_protected)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("table \"%s\" is not protected", get_rel_name(relid)),
                        errhint("Protect it first: listguard.protect() stamps its rows.")));
    // A Citus table's rows are in its shards: one UPDATE through Citus
    // stamps them all (listguard._citus_stamp()), in the first batch.
    if (citus_is_table(relid)) {
        int64 stamped = 0;
        if (from == 0) {
            Oid types[] = {REGCLASSOID};
            Datum values[] = {ObjectIdGetDatum(relid)};
            connect_spi();
            if (SPI_execute_with_args("SELECT listguard._citus_stamp($1)", 1, types, values, nullptr, false, 1) !=
                    SPI_OK_SELECT ||
                SPI_processed != 1)
                elog(ERROR, "could not stamp the rows of %s", get_rel_name(relid));
            bool isnull;
            Datum n = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
            stamped = isnull ? 0 : DatumGetInt64(n);
            SPI_finish();
        }
        PG_RETURN_INT64(stamped);
    }
    if (get_rel_relkind(relid) != RELKIND_RELATION)
        return 0; // a partitioned table holds no rows of its own

    Relation rel = table_open(relid, AccessShareLock);
    const EmailColumns& cols = email_columns(rel);
    TupleDesc desc = RelationGetDescr(rel);
    int64 blocks = RelationGetNumberOfBlocks(rel);
    StringInfoData sets, unstamped;
    initStringInfo(&sets);
    initStringInfo(&unstamped);
    const char* list = NameStr(p.list_column)[0] ? quote_identifier(NameStr(p.list_column)) : nullptr;
    for (int c = 0; c < cols.count; c++) {
        const char* column = quote_identifier(NameStr(TupleDescAttr(desc, cols.attnums[c] - 1)->attname));
        appendStringInfo(&sets, "%s%s = listguard._stamped(%s, %s::pg_catalog.int8, %s::pg_catalog.int8)",
                         c > 0 ? ", " : "", column, column, quote_identifier(NameStr(p.account_column)),
                         list ? list : "0");
        appendStringInfo(&unstamped, "%slistguard._unstamped(%s)", c > 0 ? " OR " : "", column);
    }
    char* table =
        quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel));
    table_close(rel, AccessShareLock);
    if (cols.count == 0)
        return 0;

    // The table's constraints and index expressions run in this UPDATE:
    // protect() vetted them.
    int64 stamped = update_blocks(table, sets.data, from, to, unstamped.data, InvalidOid, "stamp");
    report_progress(command, relid, "stamping", Min(to, blocks), blocks, stamped);
    if (stamped > 0) {
        count(MyDatabaseId, Counter::RowsStamped, stamped);
        EventScope scope = table_scope(relid);
        scope.counts_json = psprintf("{\"stamped\": %lld}", static_cast<long long>(stamped));
        record_event(EventKind::ProtectionChanged,
                     psprintf("{\"action\": \"stamp existing rows\", \"blocks\": [%lld, %lld]}",
                              static_cast<long long>(from), static_cast<long long>(to)),
                     scope);
    }
    return stamped;
}

} // namespace listguard::pg

// listguard._stamp_batch(tbl, from_block, to_block) -> bigint: stamps the
// unstamped values of the rows in blocks [from_block, to_block) of one
// protected table (not the tables below it), and records how many rows.
// Runs elevated (the admin gate); the table's triggers do not fire.
extern "C" Datum lg_stamp_batch(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_INT64(stamp_blocks(PG_GETARG_OID(0), PG_GETARG_INT64(1), PG_GETARG_INT64(2), "stamp_existing"));
}
