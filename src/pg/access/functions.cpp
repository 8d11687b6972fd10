// SQL functions over the access model: the row-policy functions, the
// helpers of the admin functions, and the trigger that tells every session
// that grants changed.
#include "pg/access/admin_gate.h"
#include "pg/access/cache.h"
#include "pg/access/roles.h"
#include "pg/base/guard.h"
#include "pg/base/module.h"

#include "core/quota/quota.h"

extern "C" {
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/inval.h"
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
    PG_RETURN_BOOL(access_for(GetUserId(), scope).can_read);
}

extern "C" Datum lg_can_write(PG_FUNCTION_ARGS)
{
    require_preload();
    Stamp scope{PG_GETARG_INT64(0), PG_GETARG_INT64(1)};
    PG_RETURN_BOOL(access_for(GetUserId(), scope).can_write);
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

// Statement trigger on listguard.grants and listguard.protected_tables: a
// relcache invalidation reaches every backend at its next statement, and
// their callbacks drop the cached decisions.
extern "C" Datum lg_grants_changed(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.grants_changed()");
    CacheInvalidateRelcacheByRelid(RelationGetRelid(data->tg_relation));
    reset_access_cache();
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
