// The BEFORE INSERT OR UPDATE row trigger that listguard.protect() installs:
// it stamps every listguard.email value of the row with the row's account
// and list, and refuses to move a value that already belongs to another
// scope unless the current role may see it in clear where it came from
// (otherwise masked access to one list and clear access to another would
// launder addresses from the first into the second).
#include "access_cache.h"
#include "catalog.h"
#include "email_value.h"
#include "guard.h"
#include "keys.h"
#include "module.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(lg_stamp_trigger);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

// The row's account or list id: a positive integer of any integer type.
int64 scope_id(HeapTuple tuple, TupleDesc desc, const char* column, const char* what, Relation rel)
{
    int attnum = SPI_fnumber(desc, column);
    if (attnum <= 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("protected table %s has no column \"%s\"", RelationGetRelationName(rel), column),
                        errhint("Run listguard.protect() again with the current column names.")));
    bool isnull;
    Datum d = heap_getattr(tuple, attnum, desc, &isnull);
    int64 id = 0;
    if (!isnull) {
        switch (TupleDescAttr(desc, attnum - 1)->atttypid) {
        case INT2OID:
            id = DatumGetInt16(d);
            break;
        case INT4OID:
            id = DatumGetInt32(d);
            break;
        default:
            id = DatumGetInt64(d);
            break;
        }
    }
    if (isnull || id <= 0)
        ereport(ERROR, (errcode(isnull ? ERRCODE_NOT_NULL_VIOLATION : ERRCODE_CHECK_VIOLATION),
                        errmsg("%s of a row of protected table %s must be a positive number", what,
                               RelationGetRelationName(rel)),
                        errdetail("Column \"%s\" is %s.", column, isnull ? "null" : "zero or negative")));
    return id;
}

} // namespace

extern "C" Datum lg_stamp_trigger(PG_FUNCTION_ARGS)
{
    require_preload();
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.stamp_trigger() must be called as a trigger")));
    auto* data = reinterpret_cast<TriggerData*>(fcinfo->context);
    if (!TRIGGER_FIRED_BEFORE(data->tg_event) || !TRIGGER_FIRED_FOR_ROW(data->tg_event) ||
        TRIGGER_FIRED_BY_DELETE(data->tg_event) || data->tg_trigger->tgnargs != 2)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.stamp_trigger() must fire BEFORE INSERT OR UPDATE FOR EACH ROW "
                               "with two arguments")));

    Relation rel = data->tg_relation;
    TupleDesc desc = RelationGetDescr(rel);
    HeapTuple tuple = TRIGGER_FIRED_BY_UPDATE(data->tg_event) ? data->tg_newtuple : data->tg_trigtuple;
    const char* account_column = data->tg_trigger->tgargs[0];
    const char* list_column = data->tg_trigger->tgargs[1];
    Stamp target{scope_id(tuple, desc, account_column, "account", rel),
                 list_column[0] ? scope_id(tuple, desc, list_column, "list", rel) : 0};

    Oid email_type = listguard_objects().email_type;
    int natts = desc->natts;
    Datum* values = nullptr;
    bool* nulls = nullptr;
    bool* replace = nullptr;
    for (int i = 0; i < natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (att->attisdropped || att->atttypid != email_type)
            continue;
        bool isnull;
        Datum d = heap_getattr(tuple, i + 1, desc, &isnull);
        if (isnull)
            continue;
        EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(d)));
        Stamp source = sealed::stamp_of(v.data);
        if (source == target)
            continue;
        if (source != Stamp{} && access_for(GetUserId(), source).reveal != RevealLevel::Clear)
            ereport(ERROR,
                    (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                     errmsg("permission denied to move a listguard.email value from account %lld list %lld to "
                            "account %lld list %lld",
                            static_cast<long long>(source.account), static_cast<long long>(source.list),
                            static_cast<long long>(target.account), static_cast<long long>(target.list)),
                     errdetail("Role \"%s\" may not see the address in clear where it comes from, so it may not "
                               "copy it into another account or list.",
                               GetUserNameFromId(GetUserId(), false)),
                     errhint("Insert the address itself, or have a role with clear access to the source copy "
                             "it.")));
        ensure_keyring();
        std::uint8_t restamped[sealed::kMaxSize];
        std::size_t size = guarded([&] { return keyring().email().restamp(v.data, v.size, target, restamped); });
        if (values == nullptr) {
            values = static_cast<Datum*>(palloc0(sizeof(Datum) * natts));
            nulls = static_cast<bool*>(palloc0(sizeof(bool) * natts));
            replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
        }
        values[i] = email_datum(restamped, size);
        replace[i] = true;
    }
    if (values != nullptr)
        tuple = heap_modify_tuple(tuple, desc, values, nulls, replace);
    return PointerGetDatum(tuple);
}
