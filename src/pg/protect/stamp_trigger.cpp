// The BEFORE INSERT OR UPDATE OR DELETE row trigger that listguard.protect()
// installs: it stamps every listguard.email value of the row with the row's
// account and list, and refuses to move a value that already belongs to
// another scope unless the current role may see it in clear where it came
// from (otherwise masked access to one list and clear access to another
// would launder addresses from the first into the second). It also counts
// the row for the audit trail, or records it on its own (audit => 'row').
#include "pg/access/cache.h"
#include "pg/audit/counts.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/keys.h"
#include "pg/base/module.h"
#include "pg/protect/protection.h"
#include "pg/type/value.h"

extern "C" {
#include "access/htup_details.h"
#include "access/genam.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "lib/stringinfo.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"

PG_FUNCTION_INFO_V1(lg_stamp_trigger);
PG_FUNCTION_INFO_V1(lg_audit_statement_trigger);
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
        case INT8OID:
            id = DatumGetInt64(d);
            break;
        default:
            ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                            errmsg("%s column \"%s\" of protected table %s is not an integer column", what, column,
                                   RelationGetRelationName(rel)),
                            errhint("Account and list columns must be smallint, integer or bigint.")));
        }
    }
    if (isnull || id <= 0)
        ereport(ERROR, (errcode(isnull ? ERRCODE_NOT_NULL_VIOLATION : ERRCODE_CHECK_VIOLATION),
                        errmsg("%s of a row of protected table %s must be a positive number", what,
                               RelationGetRelationName(rel)),
                        errdetail("Column \"%s\" is %s.", column, isnull ? "null" : "zero or negative")));
    return id;
}

// The attribute numbers of a table's listguard.email columns (domains over
// the type included), remembered for the table and tuple descriptor last
// asked about: a COPY asks once per row.
struct EmailColumns {
    Oid relid = InvalidOid;
    TupleDesc desc = nullptr;
    int count = 0;
    int attnums[MaxHeapAttributeNumber];
};
EmailColumns remembered_columns;

const EmailColumns& email_columns(Relation rel)
{
    TupleDesc desc = RelationGetDescr(rel);
    EmailColumns& cols = remembered_columns;
    if (cols.relid == RelationGetRelid(rel) && cols.desc == desc)
        return cols;
    Oid email_type = listguard_objects().email_type;
    cols.count = 0;
    for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (!att->attisdropped && OidIsValid(email_type) && getBaseType(att->atttypid) == email_type)
            cols.attnums[cols.count++] = i + 1;
    }
    cols.relid = RelationGetRelid(rel);
    cols.desc = desc;
    return cols;
}

// The row's primary key as a JSON object of text values (null without one).
char* row_key_json(Relation rel, HeapTuple tuple, TupleDesc desc)
{
    Oid pk = RelationGetPrimaryKeyIndex(rel);
    if (!OidIsValid(pk))
        return pstrdup("null");
    Relation index = index_open(pk, AccessShareLock);
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfoChar(&buf, '{');
    for (int i = 0; i < index->rd_index->indnkeyatts; i++) {
        int attnum = index->rd_index->indkey.values[i];
        char* value = SPI_getvalue(tuple, desc, attnum);
        appendStringInfo(&buf, "%s%s: %s", i > 0 ? ", " : "", json_string(SPI_fname(desc, attnum)),
                         value ? json_string(value) : "null");
    }
    appendStringInfoChar(&buf, '}');
    index_close(index, AccessShareLock);
    return buf.data;
}

void record_row(Relation rel, HeapTuple tuple, TupleDesc desc, char op, Stamp scope)
{
    uint8 digests[4 * sealed::kDigestSize];
    int count = 0;
    const EmailColumns& cols = email_columns(rel);
    for (int c = 0; c < cols.count && count < 4; c++) {
        bool isnull;
        Datum d = heap_getattr(tuple, cols.attnums[c], desc, &isnull);
        if (isnull)
            continue;
        EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(d)));
        memcpy(digests + sealed::kDigestSize * count++, sealed::digest_of(v.data), sealed::kDigestSize);
    }
    EventScope event_scope = scope_of(scope, RelationGetRelid(rel));
    event_scope.digests = digests;
    event_scope.digest_count = count;
    record_event(EventKind::RowChanged,
                 psprintf("{\"operation\": \"%s\", \"key\": %s}", row_op_name(op), row_key_json(rel, tuple, desc)),
                 event_scope);
}

} // namespace

extern "C" Datum lg_stamp_trigger(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.stamp_trigger()");
    Relation rel = data->tg_relation;
    // Only as the trigger protect() installs, on a protected table: its
    // columns and audit level come from listguard.protected_tables, never
    // from the trigger's arguments.
    Protection protection = protection_of(RelationGetRelid(rel));
    if (!TRIGGER_FIRED_BEFORE(data->tg_event) || !TRIGGER_FIRED_FOR_ROW(data->tg_event) ||
        strcmp(data->tg_trigger->tgname, "listguard_stamp") != 0 || !protection.is_protected)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.stamp_trigger() may only run as the trigger listguard.protect() installs"),
                        errdetail("It fired as trigger \"%s\" on table %s.", data->tg_trigger->tgname,
                                  RelationGetRelationName(rel))));

    TupleDesc desc = RelationGetDescr(rel);
    char op = row_op(data->tg_event);
    HeapTuple tuple = op == 'u' ? data->tg_newtuple : data->tg_trigtuple;
    const char* account_column = NameStr(protection.account_column);
    const char* list_column = NameStr(protection.list_column);
    Stamp target{scope_id(tuple, desc, account_column, "account", rel),
                 list_column[0] ? scope_id(tuple, desc, list_column, "list", rel) : 0};
    if (op != 'd') {
        int natts = desc->natts;
        Datum* values = nullptr;
        bool* nulls = nullptr;
        bool* replace = nullptr;
        const EmailColumns& cols = email_columns(rel);
        for (int c = 0; c < cols.count; c++) {
            int i = cols.attnums[c] - 1;
            bool isnull;
            Datum d = heap_getattr(tuple, i + 1, desc, &isnull);
            if (isnull)
                continue;
            EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(d)));
            Stamp source = sealed::stamp_of(v.data);
            if (source == target)
                continue;
            if (source != Stamp{} && access_for(GetUserId(), source).reveal != RevealLevel::Clear) {
                EventScope scope = scope_of(target, RelationGetRelid(rel));
                scope.digests = sealed::digest_of(v.data);
                scope.digest_count = 1;
                record_event(EventKind::Denied,
                             psprintf("{\"reason\": \"laundering\", \"from_account\": %lld, \"from_list\": %lld}",
                                      static_cast<long long>(source.account), static_cast<long long>(source.list)),
                             scope);
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
            }
            ensure_keyring();
            std::uint8_t restamped[sealed::kMaxSize];
            std::size_t size =
                guarded([&] { return keyring().email().restamp(v.data, v.size, target, restamped); });
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
    }

    if (protection.audit == 'r')
        record_row(rel, tuple, desc, op, target);
    else if (protection.audit == 's')
        count_row_change(RelationGetRelid(rel), op, target);
    return PointerGetDatum(tuple);
}

// The AFTER statement trigger: one event with the statement's counts.
extern "C" Datum lg_audit_statement_trigger(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.audit_statement_trigger()");
    Oid relid = RelationGetRelid(data->tg_relation);
    const char* name = data->tg_trigger->tgname;
    if (!TRIGGER_FIRED_FOR_STATEMENT(data->tg_event) || !protection_of(relid).is_protected ||
        (strcmp(name, "listguard_audit") != 0 && strcmp(name, "listguard_audit_truncate") != 0))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.audit_statement_trigger() may only run as a trigger listguard.protect() "
                               "installs"),
                        errdetail("It fired as trigger \"%s\" on table %s.", name,
                                  RelationGetRelationName(data->tg_relation))));
    if (TRIGGER_FIRED_BY_TRUNCATE(data->tg_event)) {
        record_event(EventKind::RowsChanged, "{\"operation\": \"truncate\"}", table_scope(relid));
    } else {
        report_row_changes(relid, row_op(data->tg_event));
    }
    return PointerGetDatum(nullptr);
}
