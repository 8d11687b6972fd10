// SQL access to export-quota counters, for the listguard.quota_usage view.
#include "pg/access/cache.h"
#include "pg/access/principals.h"
#include "pg/access/roles.h"
#include "pg/base/preload.h"
#include "pg/quota/store.h"

extern "C" {
#include "funcapi.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_quota_state);
PG_FUNCTION_INFO_V1(lg_current_role_is_admin);
PG_FUNCTION_INFO_V1(lg_current_role_is_monitor);
}

using namespace listguard::pg;

// listguard._quota_state() -> (grant_id, window_start, used): the open
// windows of this database's quotas, limited to the caller's own grants
// unless the caller is an admin or a monitor.
extern "C" Datum lg_quota_state(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    Oid role = GetUserId();
    bool admin = is_admin(role) || is_monitor(role);
    int count = 0;
    QuotaSnapshot* snapshot = quota_snapshot(MyDatabaseId, &count);
    for (int i = 0; i < count; i++) {
        if (snapshot[i].window.start == 0 || (!admin && !role_has_grant(role, snapshot[i].grant_id) &&
                                              !principal_has_grant(snapshot[i].grant_id)))
            continue;
        Datum values[3] = {Int64GetDatum(snapshot[i].grant_id),
                           TimestampTzGetDatum(time_t_to_timestamptz(static_cast<pg_time_t>(snapshot[i].window.start))),
                           Int64GetDatum(snapshot[i].window.used)};
        bool nulls[3] = {false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum)0;
}

extern "C" Datum lg_current_role_is_admin(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(is_admin(GetUserId()));
}

// listguard._current_role_is_monitor(): an admin, a member of
// listguard_monitor or of pg_monitor (what the quota_usage view shows them).
extern "C" Datum lg_current_role_is_monitor(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(is_monitor(GetUserId()));
}
