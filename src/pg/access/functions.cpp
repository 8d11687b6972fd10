// SQL functions over the access model: the row-policy functions, the
// helpers of the admin functions, and the trigger that tells every session
// that grants changed.
#include "pg/access/admin_gate.h"
#include "pg/access/cache.h"
#include "pg/access/generation.h"
#include "pg/access/principals.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"

#include "core/quota/quota.h"

extern "C" {
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(lg_can_read);
PG_FUNCTION_INFO_V1(lg_can_write);
PG_FUNCTION_INFO_V1(lg_quota_parts);
PG_FUNCTION_INFO_V1(lg_grants_changed);
PG_FUNCTION_INFO_V1(lg_role_receives_grants_of);
PG_FUNCTION_INFO_V1(lg_calling_role);
}

using namespace listguard;
using namespace listguard::pg;

// listguard.can_read(account, list): may the current role read rows of this
// scope? What the built-in row policies use; DBAs may use it in theirs.
extern "C" Datum lg_can_read(PG_FUNCTION_ARGS)
{
    require_preload();
    Stamp scope{PG_GETARG_INT64(0), PG_GETARG_INT64(1)};
    PG_RETURN_BOOL(session_access(scope).can_read);
}

extern "C" Datum lg_can_write(PG_FUNCTION_ARGS)
{
    require_preload();
    Stamp scope{PG_GETARG_INT64(0), PG_GETARG_INT64(1)};
    PG_RETURN_BOOL(session_access(scope).can_write);
}

// listguard.quota_parts(quota) -> (quota_limit, window_seconds), or 22023.
extern "C" Datum lg_quota_parts(PG_FUNCTION_ARGS)
{
    require_preload();
    char* quota_text = text_to_cstring(PG_GETARG_TEXT_PP(0));
    Quota quota = guarded([&] { return parse_quota(quota_text); });
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "return type must be a row type");
    Datum values[2] = {Int64GetDatum(quota.limit), Int64GetDatum(quota.window_seconds)};
    bool nulls[2] = {false, false};
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

// Statement trigger on listguard's tables (grants, protected_tables, the
// access requests; audit_log's writes are guarded by its own trigger): a
// relcache invalidation reaches every backend at its next statement, and
// their callbacks drop the cached decisions.
//
// Before a statement on listguard.grants or listguard.protected_tables it
// also guards them: they change through listguard's admin functions only. A
// superuser may change them directly (a restore does), and is recorded; any
// other role (pg_write_all_data, say) is refused.
extern "C" Datum lg_grants_changed(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.grants_changed()");
    Oid relid = RelationGetRelid(data->tg_relation);
    const ListguardObjects& objects = listguard_objects();
    const char* schema = get_namespace_name(get_rel_namespace(relid));
    if (schema == nullptr || strcmp(schema, "listguard") != 0)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.grants_changed() may only run as a trigger on listguard's own tables")));
    if (TRIGGER_FIRED_BEFORE(data->tg_event)) {
        if (!running_elevated() && relid != objects.audit_log) {
            const char* op = TRIGGER_FIRED_BY_INSERT(data->tg_event)   ? "INSERT"
                             : TRIGGER_FIRED_BY_UPDATE(data->tg_event) ? "UPDATE"
                             : TRIGGER_FIRED_BY_DELETE(data->tg_event) ? "DELETE"
                                                                       : "TRUNCATE";
            char* detail = psprintf("{\"operation\": \"%s\"}", op);
            EventScope scope = table_scope(relid);
            if (!superuser()) {
                record_event(EventKind::Denied, detail, scope);
                ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                                errmsg("permission denied to change %s", get_rel_name(relid)),
                                errdetail("listguard's grants and protections change through its admin functions "
                                          "only.")));
            }
            record_event(EventKind::CatalogModified, detail, scope);
        }
        return PointerGetDatum(nullptr);
    }
    if (relid != objects.grants && relid != objects.protected_tables && relid != objects.audit_log &&
        relid != objects.canaries && !is_principal_table(relid))
        return PointerGetDatum(nullptr);
    CacheInvalidateRelcacheByRelid(relid);
    note_access_change();
    reset_access_cache(); // the other caches go with the invalidation (pg/module/hooks.cpp)
    forget_principal_caches();
    return PointerGetDatum(nullptr);
}

extern "C" Datum lg_role_receives_grants_of(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(role_receives_grants_of(PG_GETARG_OID(0), PG_GETARG_OID(1)));
}

extern "C" Datum lg_calling_role(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_OID(calling_role());
}
