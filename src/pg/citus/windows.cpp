#include "pg/citus/windows.h"

#include "pg/citus/citus.h"
#include "pg/citus/transit.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "nodes/extensible.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

// A Citus scan: a CustomScan whose private data starts with Citus's
// DistributedPlan (what Citus's own IsCitusCustomScan checks).
bool is_citus_scan(const Plan* plan)
{
    if (plan == nullptr || !IsA(plan, CustomScan))
        return false;
    auto* scan = reinterpret_cast<const CustomScan*>(plan);
    if (list_length(scan->custom_private) == 0)
        return false;
    auto* first = static_cast<Node*>(linitial(scan->custom_private));
    return first != nullptr && IsA(first, ExtensibleNode) &&
           strcmp(reinterpret_cast<ExtensibleNode*>(first)->extnodename, "DistributedPlan") == 0;
}

bool has_citus_scan(const Plan* plan)
{
    if (plan == nullptr)
        return false;
    if (is_citus_scan(plan) || has_citus_scan(plan->lefttree) || has_citus_scan(plan->righttree))
        return true;
    ListCell* lc;
    switch (nodeTag(plan)) {
    case T_Append:
        foreach (lc, reinterpret_cast<const Append*>(plan)->appendplans)
            if (has_citus_scan(static_cast<Plan*>(lfirst(lc))))
                return true;
        break;
    case T_MergeAppend:
        foreach (lc, reinterpret_cast<const MergeAppend*>(plan)->mergeplans)
            if (has_citus_scan(static_cast<Plan*>(lfirst(lc))))
                return true;
        break;
    case T_SubqueryScan:
        return has_citus_scan(reinterpret_cast<const SubqueryScan*>(plan)->subplan);
    case T_CustomScan:
        foreach (lc, reinterpret_cast<const CustomScan*>(plan)->custom_plans)
            if (has_citus_scan(static_cast<Plan*>(lfirst(lc))))
                return true;
        break;
    default:
        break;
    }
    return false;
}

// A Citus scan's qual and projection, taken off it (below).
struct ScanParts {
    PlanState* node;
    ExprState* qual;
    ProjectionInfo* projection;
    ScanParts* next;
};
ScanParts* scan_parts = nullptr; // of the Citus scans of the queries running in this backend

void forget_scan_parts(void* arg)
{
    for (ScanParts** p = &scan_parts; *p != nullptr; p = &(*p)->next)
        if (*p == arg) {
            *p = (*p)->next;
            return;
        }
}

ScanParts* parts_of(PlanState* node)
{
    for (ScanParts* p = scan_parts; p != nullptr; p = p->next)
        if (p->node == node)
            return p;
    return nullptr;
}

// A Citus scan's ExecProcNode. Citus runs the distributed query on its
// first call (parameters go out, results come back) and hands out what
// came back on every call, filtered and projected: the rows are fetched in
// transit, the filter and projection (expressions such as format('%s',
// email) over the rows that came back) run as any expression does, out of
// transit (Citus applies them itself when the scan has them: they are
// taken off it when it starts, and applied here).
TupleTableSlot* fetch_in_transit(PlanState* node)
{
    bool was = set_in_transit(true);
    TupleTableSlot* volatile slot = nullptr;
    PG_TRY();
    {
        if (node->instrument != nullptr)
            InstrStartNode(node->instrument);
        slot = node->ExecProcNodeReal(node);
        if (node->instrument != nullptr)
            InstrStopNode(node->instrument, TupIsNull(slot) ? 0.0 : 1.0);
    }
    PG_FINALLY();
    {
        set_in_transit(was);
    }
    PG_END_TRY();
    return slot;
}

TupleTableSlot* exec_citus_scan(PlanState* node)
{
    ScanParts* parts = parts_of(node);
    ExprContext* econtext = node->ps_ExprContext;
    for (;;) {
        TupleTableSlot* slot = fetch_in_transit(node);
        if (parts == nullptr || (parts->qual == nullptr && parts->projection == nullptr))
            return slot;
        if (TupIsNull(slot))
            return parts->projection ? ExecClearTuple(parts->projection->pi_state.resultslot) : slot;
        ResetExprContext(econtext);
        econtext->ecxt_scantuple = slot;
        if (parts->qual != nullptr && !ExecQual(parts->qual, econtext)) {
            InstrCountFiltered1(node, 1);
            continue;
        }
        return parts->projection ? ExecProject(parts->projection) : slot;
    }
}

bool wrap_citus_scans(PlanState* state, void* context)
{
    if (state == nullptr)
        return false;
    if (IsA(state, CustomScanState) && is_citus_scan(state->plan)) {
        check_stack_depth(); // what ExecProcNodeFirst would have done
        if (state->qual != nullptr || state->ps_ProjInfo != nullptr) {
            MemoryContext query_context = state->state->es_query_cxt;
            auto* parts = static_cast<ScanParts*>(MemoryContextAllocZero(query_context, sizeof(ScanParts)));
            parts->node = state;
            parts->qual = state->qual;
            parts->projection = state->ps_ProjInfo;
            state->qual = nullptr;
            state->ps_ProjInfo = nullptr;
            parts->next = scan_parts;
            scan_parts = parts;
            auto* callback = static_cast<MemoryContextCallback*>(
                MemoryContextAllocZero(query_context, sizeof(MemoryContextCallback)));
            callback->func = forget_scan_parts;
            callback->arg = parts;
            MemoryContextRegisterResetCallback(query_context, callback);
        }
        state->ExecProcNode = exec_citus_scan;
    }
    return planstate_tree_walker(state, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(wrap_citus_scans)),
                                 context);
}

// A receiver that runs another with values in transit, or not.
struct ModeReceiver {
    DestReceiver pub;
    DestReceiver* inner;
    bool transit;
};

bool mode_receive(TupleTableSlot* slot, DestReceiver* self)
{
    auto* r = reinterpret_cast<ModeReceiver*>(self);
    bool was = set_in_transit(r->transit);
    volatile bool ok = false;
    PG_TRY();
    {
        ok = r->inner->receiveSlot(slot, r->inner);
    }
    PG_FINALLY();
    {
        set_in_transit(was);
    }
    PG_END_TRY();
    return ok;
}

void mode_startup(DestReceiver* self, int operation, TupleDesc typeinfo)
{
    auto* r = reinterpret_cast<ModeReceiver*>(self);
    r->inner->rStartup(r->inner, operation, typeinfo);
}

void mode_shutdown(DestReceiver* self)
{
    auto* r = reinterpret_cast<ModeReceiver*>(self);
    r->inner->rShutdown(r->inner);
}

void mode_destroy(DestReceiver* self)
{
    auto* r = reinterpret_cast<ModeReceiver*>(self);
    r->inner->rDestroy(r->inner);
}

// Citus's C functions, by OID: whether the function's library is Citus's.
struct FunctionEntry {
    Oid function; // the key
    bool citus;
    bool adds_node; // makes a node a member of the cluster: it needs listguard's catalog
    bool as_owner;  // creates, copies, moves or drops shards: Citus connects as the table's owner
};
HTAB* functions = nullptr;

FunctionEntry* citus_function(Oid function);

bool is_citus_c_function(Oid function)
{
    FunctionEntry* e = citus_function(function);
    return e != nullptr && e->citus;
}

FunctionEntry* citus_function(Oid function)
{
    static const char* const kAddsNode[] = {"citus_add_node",
                                            "master_add_node",
                                            "citus_activate_node",
                                            "master_activate_node",
                                            "start_metadata_sync_to_node",
                                            "start_metadata_sync_to_all_nodes",
                                            "citus_update_node"};
    // The ones whose shard work Citus does over connections as the table's
    // owner (listguard_owner for protected tables), by their C symbol.
    static const char* const kAsOwner[] = {"create_distributed_table",
                                           "create_distributed_table_concurrently",
                                           "create_reference_table",
                                           "citus_add_local_table_to_metadata",
                                           "undistribute_table",
                                           "alter_distributed_table",
                                           "alter_table_set_access_method",
                                           "citus_move_shard_placement",
                                           "citus_move_shard_placement_with_nodeid",
                                           "master_move_shard_placement",
                                           "citus_copy_shard_placement",
                                           "citus_copy_shard_placement_with_nodeid",
                                           "master_copy_shard_placement",
                                           "rebalance_table_shards",
                                           "replicate_table_shards",
                                           "citus_drain_node",
                                           "citus_split_shard_by_split_points",
                                           "isolate_tenant_to_new_shard",
                                           "master_create_empty_shard",
                                           "replicate_reference_tables",
                                           "citus_add_node",
                                           "master_add_node",
                                           "citus_activate_node",
                                           "master_activate_node",
                                           "citus_drop_all_shards",
                                           "master_drop_all_shards",
                                           "citus_truncate_trigger",
                                           "citus_cleanup_orphaned_resources"};
    if (!citus_loaded() || !OidIsValid(function))
        return nullptr;
    if (functions == nullptr) {
        HASHCTL ctl;
        ctl.keysize = sizeof(Oid);
        ctl.entrysize = sizeof(FunctionEntry);
        ctl.hcxt = TopMemoryContext;
        functions = hash_create("listguard citus functions", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    bool found;
    auto* e = static_cast<FunctionEntry*>(hash_search(functions, &function, HASH_FIND, &found));
    if (found)
        return e;
    bool citus = false;
    bool adds_node = false;
    bool as_owner = false;
    HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
    if (HeapTupleIsValid(tuple)) {
        auto* proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
        if (proc->prolang == ClanguageId) {
            bool isnull;
            Datum bin = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_probin, &isnull);
            if (!isnull) {
                char* path = TextDatumGetCString(bin);
                const char* base = strrchr(path, '/');
                base = base ? base + 1 : path;
                citus = strcmp(base, "citus") == 0 || strcmp(base, "citus" DLSUFFIX) == 0;
            }
            Datum src = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_prosrc, &isnull);
            if (citus && !isnull) {
                char* symbol = TextDatumGetCString(src);
                for (const char* name : kAddsNode)
                    adds_node = adds_node || strcmp(symbol, name) == 0;
                for (const char* name : kAsOwner)
                    as_owner = as_owner || strcmp(symbol, name) == 0;
            }
        }
        ReleaseSysCache(tuple);
    }
    e = static_cast<FunctionEntry*>(hash_search(functions, &function, HASH_ENTER, &found));
    e->citus = citus;
    e->adds_node = adds_node;
    e->as_owner = as_owner;
    return e;
}

needs_fmgr_hook_type next_needs_fmgr_hook = nullptr;
fmgr_hook_type next_fmgr_hook = nullptr;

// The modes and owner scopes (pg/citus/transit.h) saved by the calls of
// Citus functions under way.
constexpr int kMaxDepth = 64;
bool saved_modes[kMaxDepth];
bool saved_scopes[kMaxDepth];
int depth = 0;

bool needs_hook(Oid function)
{
    if (next_needs_fmgr_hook != nullptr && next_needs_fmgr_hook(function))
        return true;
    return is_citus_c_function(function);
}

void function_hook(FmgrHookEventType event, FmgrInfo* flinfo, Datum* arg)
{
    if (next_fmgr_hook != nullptr)
        next_fmgr_hook(event, flinfo, arg);
    FunctionEntry* f = citus_function(flinfo->fn_oid);
    if (f == nullptr || !f->citus)
        return;
    switch (event) {
    case FHET_START: {
        if (f->adds_node)
            note_catalog_change(); // the node gets the catalog before this transaction commits
        // A proof for listguard_owner only while a shard operation runs
        // (and none while another Citus function, master_run_on_worker()
        // say, runs inside it).
        bool scope = set_owner_scope(f->as_owner && depth < kMaxDepth);
        bool was = set_in_transit(true);
        if (depth < kMaxDepth) {
            saved_modes[depth] = was;
            saved_scopes[depth] = scope;
        }
        depth++;
        break;
    }
    case FHET_END:
        if (depth > 0) {
            depth--;
            set_in_transit(depth < kMaxDepth ? saved_modes[depth] : true);
            (void)set_owner_scope(depth < kMaxDepth && saved_scopes[depth]);
        }
        break;
    case FHET_ABORT:
        // The statement fails: no owner proof is offered again in it.
        withdraw_owner_proof();
        if (depth > 0) {
            depth--;
            set_in_transit(depth < kMaxDepth ? saved_modes[depth] : true);
        }
        break;
    }
}

} // namespace

PlannedStmt* plan_for_citus(Query* parse, const char* query, int options, ParamListInfo params, planner_hook_type next)
{
    bool citus = citus_active();
    if (citus)
        offer_citus_proof();
    PlannedStmt* volatile result = nullptr;
    with_transit(citus || in_transit(), [&] {
        result = next ? next(parse, query, options, params) : standard_planner(parse, query, options, params);
    });
    return result;
}

bool is_citus_plan(const PlannedStmt* stmt)
{
    if (stmt == nullptr || !citus_loaded())
        return false;
    if (has_citus_scan(stmt->planTree))
        return true;
    ListCell* lc;
    foreach (lc, stmt->subplans)
        if (has_citus_scan(static_cast<Plan*>(lfirst(lc))))
            return true;
    return false;
}

void citus_scans_in_transit(QueryDesc* query)
{
    if (query->planstate != nullptr)
        (void)wrap_citus_scans(query->planstate, nullptr);
}

DestReceiver* receiver_for_run(QueryDesc* query)
{
    DestReceiver* dest = query->dest;
    if (dest == nullptr || !citus_loaded())
        return nullptr;
    bool transit;
    if (citus_owns_address(reinterpret_cast<const void*>(dest->receiveSlot)))
        transit = true; // rows Citus sends on: COPY into shards, intermediate results
    else if (dest->mydest != DestCopyOut && session_is_citus_internal())
        transit = true; // results going back to the node that asked (COPY TO goes to its client)
    else
        return nullptr;
    auto* r = static_cast<ModeReceiver*>(palloc0(sizeof(ModeReceiver)));
    r->pub.receiveSlot = mode_receive;
    r->pub.rStartup = mode_startup;
    r->pub.rShutdown = mode_shutdown;
    r->pub.rDestroy = mode_destroy;
    r->pub.mydest = dest->mydest;
    r->inner = dest;
    r->transit = transit;
    return &r->pub;
}

bool utility_in_transit(Node* stmt)
{
    if (!citus_loaded() || !citus_active())
        return false;
    offer_citus_proof();
    switch (nodeTag(stmt)) {
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->is_from;
    case T_AlterTableStmt:
    case T_CreateStmt:
    case T_IndexStmt:
    case T_CreatePolicyStmt:
    case T_AlterPolicyStmt:
    case T_ViewStmt:
    case T_CreateDomainStmt:
    case T_AlterDomainStmt:
    case T_CreateTrigStmt:
        return true;
    default:
        return false;
    }
}

PlannedStmt* restrictive_policies_for_citus(PlannedStmt* pstmt, bool* read_only_tree)
{
    static const char* const kRestrictive[] = {"listguard_read", "listguard_insert", "listguard_update",
                                               "listguard_delete"};
    Node* stmt = pstmt->utilityStmt;
    if (stmt == nullptr || !IsA(stmt, CreatePolicyStmt) || !citus_loaded())
        return pstmt;
    auto* policy = castNode(CreatePolicyStmt, stmt);
    bool ours = false;
    for (const char* name : kRestrictive)
        ours = ours || strcmp(policy->policy_name, name) == 0;
    if (!ours || !policy->permissive || !citus_active())
        return pstmt;
    Oid relid = RangeVarGetRelid(policy->table, NoLock, true);
    if (!citus_is_worker() && !OidIsValid(citus_table_of_shard(relid)))
        return pstmt;
    if (*read_only_tree) {
        pstmt = static_cast<PlannedStmt*>(copyObjectImpl(pstmt));
        *read_only_tree = false;
        policy = castNode(CreatePolicyStmt, pstmt->utilityStmt);
    }
    policy->permissive = false;
    return pstmt;
}

void install_citus_function_hooks()
{
    next_needs_fmgr_hook = needs_fmgr_hook;
    needs_fmgr_hook = needs_hook;
    next_fmgr_hook = fmgr_hook;
    fmgr_hook = function_hook;
}

} // namespace listguard::pg
