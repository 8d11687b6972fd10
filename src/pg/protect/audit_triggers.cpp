// The audit triggers protect() installs on a protected table:
// listguard_audit (AFTER STATEMENT: one event with the statement's row
// counts), listguard_audit_row (AFTER ROW, audit => 'row': one event per
// row written) and listguard_audit_truncate. Each checks that it runs as the
// trigger protect() made, on a protected table.
#include "pg/audit/statement_counts.h"
#include "pg/audit/events.h"
#include "pg/audit/queue.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/citus/citus.h"
#include "pg/protect/protection.h"
#include "pg/protect/row_scope.h"
#include "pg/type/stored_value.h"

#include "core/email/redact.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "catalog/index.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(lg_audit_statement_trigger);
PG_FUNCTION_INFO_V1(lg_audit_row_trigger);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

void require_trigger(TriggerData* data, bool for_row, std::initializer_list<const char*> names, const char* function)
{
    const char* name = data->tg_trigger->tgname;
    bool named = false;
    for (const char* n : names)
        named = named || is_name_on_shard(name, n, RelationGetRelid(data->tg_relation));
    bool right_level = for_row ? TRIGGER_FIRED_FOR_ROW(data->tg_event) : TRIGGER_FIRED_FOR_STATEMENT(data->tg_event);
    if (!named || !right_level || !TRIGGER_FIRED_AFTER(data->tg_event) ||
        !protection_of(RelationGetRelid(data->tg_relation)).is_protected)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("%s may only run as a trigger listguard.protect() installs", function),
                        errdetail("It fired as trigger \"%s\" on table %s.", name,
                                  RelationGetRelationName(data->tg_relation))));
}

bool is_email_column(const EmailColumns& cols, int attnum)
{
    for (int c = 0; c < cols.count; c++)
        if (cols.attnums[c] == attnum)
            return true;
    return false;
}

// A value of the row's primary key for the event. An email column gives its
// keyed digest (as in email_digests), never its address; any other value is
// shown as text with anything that looks like an address masked (a legacy
// text key may hold one).
char* key_value_json(HeapTuple tuple, TupleDesc desc, int attnum, const EmailColumns& cols)
{
    bool isnull;
    Datum d = heap_getattr(tuple, attnum, desc, &isnull);
    if (isnull)
        return pstrdup("null");
    if (is_email_column(cols, attnum)) {
        EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(d)));
        char hex[2 * sealed::kDigestSize + 1];
        hex[hex_encode(reinterpret_cast<const char*>(sealed::digest_of(v.data)), sealed::kDigestSize, hex)] = '\0';
        return psprintf("{\"digest\": \"%s\"}", hex);
    }
    char* text = SPI_getvalue(tuple, desc, attnum);
    size_t length = strlen(text);
    size_t capacity = redacted_capacity(length);
    char* masked = static_cast<char*>(palloc(capacity + 1));
    masked[redact_addresses({text, length}, masked, capacity)] = '\0';
    return json_string(masked);
}

// The row's primary key as a JSON object (null without one).
char* row_key_json(Relation rel, HeapTuple tuple, TupleDesc desc, const EmailColumns& cols)
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
        appendStringInfo(&buf, "%s%s: %s", i > 0 ? ", " : "", json_string(SPI_fname(desc, attnum)),
                         key_value_json(tuple, desc, attnum, cols));
    }
    appendStringInfoChar(&buf, '}');
    index_close(index, AccessShareLock);
    return buf.data;
}

} // namespace

// AFTER STATEMENT: one event with the counts the stamping trigger made for
// this table and every table below it; TRUNCATE: one event.
extern "C" Datum lg_audit_statement_trigger(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.audit_statement_trigger()");
    require_trigger(data, false, {"listguard_audit", "listguard_audit_truncate"},
                    "listguard.audit_statement_trigger()");
    Oid relid = RelationGetRelid(data->tg_relation);
    if (TRIGGER_FIRED_BY_TRUNCATE(data->tg_event))
        record_event(EventKind::RowsChanged, "{\"operation\": \"truncate\"}", table_scope(relid));
    else
        report_row_changes(relid, row_op(data->tg_event));
    return PointerGetDatum(nullptr);
}

// AFTER ROW (audit => 'row'): the row as written, once it is: its scope,
// primary key and the digests of its addresses.
extern "C" Datum lg_audit_row_trigger(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.audit_row_trigger()");
    require_trigger(data, true, {"listguard_audit_row"}, "listguard.audit_row_trigger()");
    Relation rel = data->tg_relation;
    TupleDesc desc = RelationGetDescr(rel);
    char op = row_op(data->tg_event);
    HeapTuple tuple = op == 'u' ? data->tg_newtuple : data->tg_trigtuple;
    Stamp scope = row_scope(rel, tuple, protection_of(RelationGetRelid(rel)));

    uint8 digests[kAuditMaxDigests * sealed::kDigestSize];
    int count = 0;
    const EmailColumns& cols = email_columns(rel);
    for (int c = 0; c < cols.count && count < kAuditMaxDigests; c++) {
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
    record_event(
        EventKind::RowChanged,
        psprintf("{\"operation\": \"%s\", \"key\": %s}", row_op_name(op), row_key_json(rel, tuple, desc, cols)),
        event_scope);
    return PointerGetDatum(nullptr);
}
