#include "pg/access/gated_functions.h"

#include "pg/access/principals.h"
#include "pg/access/requests.h"
#include "pg/access/roles.h"
#include "pg/activity/counters.h"
#include "pg/audit/events.h"
#include "pg/base/elevated_call.h"
#include "pg/base/preload.h"
#include "pg/base/uncounted.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(admin_gate);
PG_FUNCTION_INFO_V1(request_gate);
PG_FUNCTION_INFO_V1(lg_calling_session_role);
PG_FUNCTION_INFO_V1(lg_calling_outer_role);
}

namespace listguard::pg {

namespace {

// Who called the gate: its current user (a SECURITY DEFINER function's
// owner inside one), the role SET ROLE chose, and the session user.
Oid current_caller = InvalidOid;
Oid outer_caller = InvalidOid;
Oid session_caller = InvalidOid;

} // namespace

Oid calling_role()
{
    return OidIsValid(current_caller) ? current_caller : GetUserId();
}
Oid calling_outer_role()
{
    return OidIsValid(outer_caller) ? outer_caller : GetOuterUserId();
}
Oid calling_session_role()
{
    return OidIsValid(session_caller) ? session_caller : GetSessionUserId();
}

namespace {

// A value as a JSON string, through its type's output function.
const char* json_of(Oid type, Datum value)
{
    Oid out;
    bool varlena;
    getTypeOutputInfo(type, &out, &varlena);
    return json_string(OidOutputFunctionCall(out, value));
}

// Grants, revocations and protection changes go to the audit trail, with
// the call's arguments (none of which is ever an address).
void record_admin_call(Oid fn, const char* name, int nargs, const Oid* argtypes, FunctionCallInfo fcinfo,
                       const Datum* result, Oid rettype)
{
    EventKind kind;
    if (strcmp(name, "grant_access") == 0 && take_pending_grant())
        return; // a pending request, recorded as one
    if (strcmp(name, "grant_access") == 0)
        kind = EventKind::Grant;
    else if (strcmp(name, "revoke_access") == 0)
        kind = EventKind::Revoke;
    else if (strcmp(name, "protect") == 0)
        kind = EventKind::Protect;
    else if (strcmp(name, "unprotect") == 0)
        kind = EventKind::Unprotect;
    else if (strcmp(name, "create_principal") == 0 || strcmp(name, "drop_principal") == 0 ||
             strcmp(name, "add_application") == 0 || strcmp(name, "drop_application") == 0)
        kind = EventKind::Principal;
    else
        return;

    HeapTuple proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
    char** names = nullptr;
    char* modes = nullptr;
    Oid* types = nullptr;
    int count = HeapTupleIsValid(proc) ? get_func_arg_info(proc, &types, &names, &modes) : 0;
    StringInfoData json;
    initStringInfo(&json);
    appendStringInfoString(&json, "{");
    if (kind == EventKind::Principal)
        appendStringInfo(&json, "\"action\": %s, ", json_string(name));
    appendStringInfoString(&json, "\"arguments\": {");
    EventScope scope;
    for (int i = 0; i < nargs && i < count; i++) {
        const char* arg = names && names[i] ? names[i] : psprintf("$%d", i + 1);
        appendStringInfo(&json, "%s%s: ", i > 0 ? ", " : "", json_string(arg));
        if (PG_ARGISNULL(i)) {
            appendStringInfoString(&json, "null");
            continue;
        }
        appendStringInfoString(&json, json_of(argtypes[i], PG_GETARG_DATUM(i)));
        if (strcmp(arg, "account") == 0)
            scope.account = PG_GETARG_INT64(i);
        else if (strcmp(arg, "list") == 0)
            scope.list = PG_GETARG_INT64(i);
        else if (strcmp(arg, "tbl") == 0)
            scope.relation = PG_GETARG_OID(i);
    }
    appendStringInfoChar(&json, '}');
    if (result != nullptr && rettype != VOIDOID)
        appendStringInfo(&json, ", \"result\": %s", json_of(rettype, *result));
    appendStringInfoChar(&json, '}');
    if (HeapTupleIsValid(proc))
        ReleaseSysCache(proc);
    record_event(kind, json.data, scope);
}

// key_usage()'s result (relation, column_name, key_id, values) in SPI's
// tuple table, summed per key for listguard.metrics: a scan of every email
// column is too slow for each scrape, so the metrics show the last one.
void remember_key_usage()
{
    clear_counter(MyDatabaseId, Counter::KeyValues);
    for (uint64 i = 0; i < SPI_processed; i++) {
        bool key_null, values_null;
        Datum key = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &key_null);
        Datum values = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4, &values_null);
        count(MyDatabaseId, Counter::KeyValues, values_null ? 0 : DatumGetInt64(values),
              key_null ? "(nested)" : TextDatumGetCString(key));
    }
    set_gauge(MyDatabaseId, Counter::KeyUsageAt, static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp())));
}

} // namespace

} // namespace listguard::pg

using namespace listguard::pg;

namespace {

// Runs listguard._<name>(args) elevated for the caller of listguard.<name>.
Datum run_gate(FunctionCallInfo fcinfo, bool admins_only)
{
    require_preload();
    Oid fn = fcinfo->flinfo->fn_oid;
    char* name = get_func_name(fn);
    if (admins_only) {
        require_admin(psprintf("listguard.%s", name));
    }

    Oid* argtypes;
    int nargs;
    Oid rettype = get_func_signature(fn, &argtypes, &nargs);
    bool returns_set = get_func_retset(fn);

    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(&sql, returns_set ? "SELECT * FROM listguard.%s(" : "SELECT listguard.%s(",
                     quote_identifier(psprintf("_%s", name)));
    Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * Max(nargs, 1)));
    char* nulls = static_cast<char*>(palloc(Max(nargs, 1)));
    for (int i = 0; i < nargs; i++) {
        appendStringInfo(&sql, "%s$%d", i > 0 ? ", " : "", i + 1);
        values[i] = PG_ARGISNULL(i) ? 0 : PG_GETARG_DATUM(i);
        nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
    }
    appendStringInfoChar(&sql, ')');

    ReturnSetInfo* rsinfo = returns_set ? reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo) : nullptr;
    if (returns_set)
        InitMaterializedSRF(fcinfo, 0);

    (void)take_pending_grant(); // only what this call marks counts
    Oid saved_caller = current_caller;
    Oid saved_outer = outer_caller;
    Oid saved_session = session_caller;
    MemoryContext caller_context = CurrentMemoryContext;
    Datum result = 0;
    bool result_null = true;

    current_caller = GetUserId();
    outer_caller = GetOuterUserId();
    session_caller = GetSessionUserId();
    // The functions that plant canaries (and their plans and addresses)
    // count no call in pg_stat_user_functions: the counts would tell a
    // reader when a canary was planted (test/attacks 106).
    int counting_functions = -1;
    if (strstr(name, "canar") != nullptr)
        counting_functions = stop_counting_functions();
    PG_TRY();
    {
        elevated([&] {
            int rc = SPI_execute_with_args(sql.data, nargs, argtypes, values, nulls, false, 0);
            if (rc != SPI_OK_SELECT)
                elog(ERROR, "listguard.%s failed: SPI code %d", name, rc);
            if (returns_set) {
                for (uint64 i = 0; i < SPI_processed; i++)
                    tuplestore_puttuple(rsinfo->setResult, SPI_tuptable->vals[i]);
                if (strcmp(name, "key_usage") == 0)
                    remember_key_usage();
            } else if (SPI_processed == 1) {
                bool isnull;
                Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
                if (!isnull) {
                    int16 typlen;
                    bool typbyval;
                    get_typlenbyval(rettype, &typlen, &typbyval);
                    MemoryContext spi_context = MemoryContextSwitchTo(caller_context);
                    result = datumCopy(d, typbyval, typlen);
                    MemoryContextSwitchTo(spi_context);
                    result_null = false;
                }
            }
        });
    }
    PG_FINALLY();
    {
        current_caller = saved_caller;
        outer_caller = saved_outer;
        session_caller = saved_session;
        if (counting_functions >= 0)
            resume_counting_functions(counting_functions);
    }
    PG_END_TRY();

    record_admin_call(fn, name, nargs, argtypes, fcinfo, result_null ? nullptr : &result, rettype);

    if (returns_set)
        return (Datum)0;
    if (result_null)
        PG_RETURN_NULL();
    return result;
}

} // namespace

// Administration functions: for superusers and members of listguard_admin.
extern "C" Datum admin_gate(PG_FUNCTION_ARGS)
{
    return run_gate(fcinfo, true);
}

// Access requests: open to every role; listguard._<name> decides who may
// do what from the calling roles (request_access for oneself, approve for
// approvers who are not the requester, cancel for the requester).
extern "C" Datum request_gate(PG_FUNCTION_ARGS)
{
    require_preload();
    // A require_principal application acting for nobody does not ask.
    if (strcmp(get_func_name(fcinfo->flinfo->fn_oid), "request_access") == 0)
        require_principal_to_request();
    return run_gate(fcinfo, false);
}

extern "C" Datum lg_calling_session_role(PG_FUNCTION_ARGS)
{
    PG_RETURN_OID(calling_session_role());
}

extern "C" Datum lg_calling_outer_role(PG_FUNCTION_ARGS)
{
    PG_RETURN_OID(calling_outer_role());
}
