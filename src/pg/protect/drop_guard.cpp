// The sql_drop event trigger. It sees every object a statement dropped,
// cascades included, which the statement itself does not name: DROP SCHEMA
// ... CASCADE by the schema's owner, DROP TYPE or DROP FUNCTION ... CASCADE
// taking a column, default, trigger or constraint of a protected table with
// them. Such drops are for admins only; a protected table dropped by an
// admin is recorded and forgotten.
#include "pg/access/gated_functions.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/array_elements.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/preload.h"
#include "pg/base/spi.h"
#include "pg/protect/protection.h"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(lg_on_sql_drop);
}

using namespace listguard::pg;

namespace {

struct Dropped {
    Oid table;        // the protected table it was (part of)
    bool whole_table; // the table itself
    char* identity;   // what was dropped, as PostgreSQL names it
};

// The table named by the first two address names (schema, table) of a
// trigger, policy, rule, constraint or default.
Oid owning_table(Datum names)
{
    ArrayElements address = array_elements(names, TEXTOID);
    if (address.count < 2 || address.nulls[0] || address.nulls[1])
        return InvalidOid;
    RangeVar* rv = makeRangeVar(TextDatumGetCString(address.values[0]), TextDatumGetCString(address.values[1]), -1);
    return RangeVarGetRelid(rv, NoLock, true);
}

} // namespace

extern "C" Datum lg_on_sql_drop(PG_FUNCTION_ARGS)
{
    require_preload();
    if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard._on_sql_drop() must be called as an event trigger")));
    if (running_elevated())
        return PointerGetDatum(nullptr); // listguard's own DROP POLICY and DROP TRIGGER

    MemoryContext caller = CurrentMemoryContext;
    List* dropped = nullptr;
    connect_spi();
    if (SPI_execute("SELECT classid, objid, objsubid, address_names, object_identity "
                    "FROM pg_catalog.pg_event_trigger_dropped_objects()",
                    true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read the dropped objects");
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple row = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        Oid classid = DatumGetObjectId(SPI_getbinval(row, desc, 1, &isnull));
        Oid objid = DatumGetObjectId(SPI_getbinval(row, desc, 2, &isnull));
        int32 subid = DatumGetInt32(SPI_getbinval(row, desc, 3, &isnull));
        Datum names = SPI_getbinval(row, desc, 4, &isnull);
        Oid table = InvalidOid;
        if (classid == RelationRelationId)
            table = objid; // the table itself, or one of its columns (subid > 0)
        else if (!isnull &&
                 (classid == TriggerRelationId || classid == PolicyRelationId || classid == RewriteRelationId ||
                  classid == ConstraintRelationId || classid == AttrDefaultRelationId))
            table = owning_table(names);
        if (!OidIsValid(table) || !protection_of(table).is_protected)
            continue;
        MemoryContext spi = MemoryContextSwitchTo(caller);
        auto* d = static_cast<Dropped*>(palloc(sizeof(Dropped)));
        d->table = table;
        d->whole_table = classid == RelationRelationId && subid == 0;
        d->identity = SPI_getvalue(row, desc, 5);
        dropped = lappend(dropped, d);
        MemoryContextSwitchTo(spi);
    }
    SPI_finish();
    if (dropped == nullptr)
        return PointerGetDatum(nullptr);

    bool admin = is_admin(GetUserId());
    ListCell* lc;
    foreach (lc, dropped) {
        auto* d = static_cast<Dropped*>(lfirst(lc));
        EventScope scope;
        scope.relation_name = d->identity;
        if (!admin) {
            record_event(EventKind::Denied,
                         psprintf("{\"reason\": \"protected table\", \"action\": \"drop\", \"object\": %s}",
                                  json_string(d->identity)),
                         scope);
            ereport(ERROR,
                    (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to drop %s", d->identity),
                     errdetail(d->whole_table ? "It is a protected table." : "It belongs to a protected table."),
                     errhint("Only superusers and members of listguard_admin may drop protected tables or "
                             "what runs around them.")));
        }
        if (d->whole_table) {
            record_event(EventKind::ProtectionChanged, "{\"action\": \"drop\"}", scope);
            Oid table = d->table;
            elevated([&] {
                Oid type = OIDOID;
                Datum value = ObjectIdGetDatum(table);
                if (SPI_execute_with_args("DELETE FROM listguard.protected_tables WHERE relid::pg_catalog.oid "
                                          "OPERATOR(pg_catalog.=) $1",
                                          1, &type, &value, nullptr, false, 0) != SPI_OK_DELETE)
                    elog(ERROR, "could not forget a dropped protected table");
                // Its canaries went with it; they stay known (removed) for
                // tracing older leaks.
                if (OidIsValid(listguard_objects().canaries) &&
                    SPI_execute_with_args("UPDATE listguard.canaries SET relid = NULL, removed_at = "
                                          "COALESCE(removed_at, pg_catalog.now()) "
                                          "WHERE relid::pg_catalog.oid OPERATOR(pg_catalog.=) $1",
                                          1, &type, &value, nullptr, false, 0) != SPI_OK_UPDATE)
                    elog(ERROR, "could not forget the canaries of a dropped protected table");
            });
        }
    }
    return PointerGetDatum(nullptr);
}
