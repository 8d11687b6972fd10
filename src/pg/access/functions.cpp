// SQL functions over the access model: the row-policy functions, the
// helpers of the admin functions, and the trigger that tells every session
// that grants changed.
#include "pg/access/gated_functions.h"
#include "pg/access/cache.h"
#include "pg/access/reveal.h"
#include "pg/access/generation.h"
#include "pg/access/principals.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/citus/citus.h"

#include "core/quota/quota.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_am.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "catalog/pg_proc.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"
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
PG_FUNCTION_INFO_V1(lg_first_account);
PG_FUNCTION_INFO_V1(lg_last_account);
PG_FUNCTION_INFO_V1(lg_scope_support);
}

using namespace listguard;
using namespace listguard::pg;

// listguard.can_read(account, list): may the current role read rows of this
// scope? What the built-in row policies use; DBAs may use it in theirs.
extern "C" Datum lg_can_read(PG_FUNCTION_ARGS)
{
    require_preload();
    Stamp scope{PG_GETARG_INT64(0), PG_GETARG_INT64(1)};
    PG_RETURN_BOOL(session_access(scope).can_read || reads_as_backup(GetUserId()));
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
                                errmsg("permission denied for table %s", get_rel_name(relid)),
                                errdetail("listguard's grants and protections change through its admin functions "
                                          "only.")));
            }
            record_event(EventKind::CatalogModified, detail, scope);
        }
        return PointerGetDatum(nullptr);
    }
    if (relid != objects.grants && relid != objects.protected_tables && relid != objects.audit_log &&
        relid != objects.canaries && !is_principal_relation(relid))
        return PointerGetDatum(nullptr);
    CacheInvalidateRelcacheByRelid(relid);
    note_access_change();
    if (relid != objects.audit_log)
        note_catalog_change(); // the other nodes of a Citus cluster get it (pg/replica/citus_catalog.h)
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

// listguard._first_account(write boolean) and _last_account(write
// boolean): the range of accounts whose rows the current role may read (or
// write), as core/access/decision.h's account_range() says; every account:
// the whole bigint range; none: 1 and 0. The row policies' index condition
// (lg_scope_support below); they say nothing a role cannot learn from
// listguard.explain_access() of itself.
extern "C" Datum lg_first_account(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_INT64(account_range_for(GetUserId(), PG_GETARG_BOOL(0)).first);
}

extern "C" Datum lg_last_account(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_INT64(account_range_for(GetUserId(), PG_GETARG_BOOL(0)).last);
}

namespace {

// listguard._first_account(boolean) or _last_account(boolean); InvalidOid
// before ALTER EXTENSION UPDATE made them.
Oid bound_function(bool upper)
{
    Oid schema = listguard_objects().schema;
    if (!OidIsValid(schema))
        return InvalidOid;
    Oid arg_types[1] = {BOOLOID};
    oidvector* args = buildoidvector(arg_types, 1);
    return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
                           CStringGetDatum(upper ? "_last_account" : "_first_account"), PointerGetDatum(args),
                           ObjectIdGetDatum(schema));
}

bool is_write_function(Oid fn)
{
    char* name = get_func_name(fn);
    return name != nullptr && strcmp(name, "can_write") == 0;
}

// account >= listguard._first_account(write) or account <=
// listguard._last_account(write), with the opfamily's operator for the
// account expression's type against bigint (nullptr if it has none).
Expr* bound_clause(Node* account, Oid opfamily, bool upper, bool write)
{
    Oid type = exprType(account);
    Oid op =
        get_opfamily_member(opfamily, type, INT8OID, upper ? BTLessEqualStrategyNumber : BTGreaterEqualStrategyNumber);
    if (!OidIsValid(op))
        return nullptr;
    Oid fn = bound_function(upper);
    if (!OidIsValid(fn))
        return nullptr;
    Expr* bound = reinterpret_cast<Expr*>(makeFuncExpr(fn, INT8OID, list_make1(makeBoolConst(write, false)), InvalidOid,
                                                       InvalidOid, COERCE_EXPLICIT_CALL));
    return make_opclause(op, BOOLOID, false, static_cast<Expr*>(copyObjectImpl(account)), bound, InvalidOid,
                         InvalidOid);
}

} // namespace

// The planner support of can_read() and can_write() (every overload): the
// account argument is a range condition an index on the account column can
// use, so a reader of a few accounts in a table of many reads through that
// index; and the estimate of how many rows pass uses that range on the
// column's statistics. The range is a necessary condition only (lossy):
// every row still goes through the function itself, which decides with the
// latest committed grants, so nothing the function would refuse gets
// through, and a plan cached before grants changed stays correct (the range
// is read when the scan starts; a role that reads every account gets the
// whole range, and no index condition is offered for it).
extern "C" Datum lg_scope_support(PG_FUNCTION_ARGS)
{
    Node* raw = reinterpret_cast<Node*>(PG_GETARG_POINTER(0));
    require_preload();
    if (IsA(raw, SupportRequestIndexCondition)) {
        auto* req = reinterpret_cast<SupportRequestIndexCondition*>(raw);
        if (req->indexarg != 0 || !IsA(req->node, FuncExpr) || req->index->relam != BTREE_AM_OID)
            PG_RETURN_POINTER(nullptr);
        FuncExpr* call = reinterpret_cast<FuncExpr*>(req->node);
        bool write = is_write_function(call->funcid);
        AccountRange range = account_range_for(GetUserId(), write);
        if (range.every)
            PG_RETURN_POINTER(nullptr); // nothing to narrow: a scan of every row
        Node* account = reinterpret_cast<Node*>(linitial(call->args));
        Expr* low = bound_clause(account, req->opfamily, false, write);
        Expr* high = bound_clause(account, req->opfamily, true, write);
        if (low == nullptr || high == nullptr)
            PG_RETURN_POINTER(nullptr);
        req->lossy = true;
        PG_RETURN_POINTER(list_make2(low, high));
    }
    if (IsA(raw, SupportRequestSelectivity)) {
        auto* req = reinterpret_cast<SupportRequestSelectivity*>(raw);
        if (req->is_join || list_length(req->args) < 1)
            PG_RETURN_POINTER(nullptr);
        bool write = is_write_function(req->funcid);
        AccountRange range = account_range_for(GetUserId(), write);
        if (range.every) {
            req->selectivity = 1.0;
            PG_RETURN_POINTER(req);
        }
        if (range.first > range.last) {
            req->selectivity = 0.0001; // no grant: nothing passes
            PG_RETURN_POINTER(req);
        }
        Node* account = reinterpret_cast<Node*>(linitial(req->args));
        Oid op_ge =
            get_opfamily_member(INTEGER_BTREE_FAM_OID, exprType(account), INT8OID, BTGreaterEqualStrategyNumber);
        Oid op_le = get_opfamily_member(INTEGER_BTREE_FAM_OID, exprType(account), INT8OID, BTLessEqualStrategyNumber);
        if (!OidIsValid(op_ge) || !OidIsValid(op_le))
            PG_RETURN_POINTER(nullptr);
        auto constant = [](int64 v) {
            return reinterpret_cast<Expr*>(
                makeConst(INT8OID, -1, InvalidOid, sizeof(int64), Int64GetDatum(v), false, FLOAT8PASSBYVAL));
        };
        List* clauses = list_make2(make_opclause(op_ge, BOOLOID, false, reinterpret_cast<Expr*>(account),
                                                 constant(range.first), InvalidOid, InvalidOid),
                                   make_opclause(op_le, BOOLOID, false, reinterpret_cast<Expr*>(account),
                                                 constant(range.last), InvalidOid, InvalidOid));
        req->selectivity = clauselist_selectivity(req->root, clauses, req->varRelid, req->jointype, req->sjinfo);
        PG_RETURN_POINTER(req);
    }
    PG_RETURN_POINTER(nullptr);
}
