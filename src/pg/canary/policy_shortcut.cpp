#include "pg/canary/policy_shortcut.h"

#include "pg/access/cache.h"
#include "pg/access/generation.h"
#include "pg/access/principals.h"
#include "pg/base/settings.h"
#include "pg/canary/registry.h"

extern "C" {
#include "executor/executor.h"
#include "fmgr.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"

// The row policies' functions (pg/canary/functions.cpp, pg/access/functions.cpp).
Datum lg_can_read_row(FunctionCallInfo fcinfo);
Datum lg_can_read(FunctionCallInfo fcinfo);
}

namespace listguard::pg {

namespace {

struct PolicyShortcut {
    ExprState* full;    // the filter as planned
    ExprState* rest;    // the filter without the policy clauses (nullptr: nothing else)
    bool reads_address; // a three-argument can_read(): canaries are decided by address
    bool decided;
    bool passes; // the policy clauses are true for every row of the scan
    Oid role;
    int64 principal; // the principal in force when decided (0: none)
    bool refusing;   // listguard.missing_principal when decided
    AccessMark mark;
};

// Whether the policy clauses are true for every row, for role: decided again
// whenever the role or access changed since (the mark is taken first, so a
// change while deciding is seen at the next row).
void decide(PolicyShortcut* s, Oid role)
{
    s->decided = false;
    AccessMark mark = access_mark();
    // A principal in force narrows the role's rights (and a refused
    // application must be refused): the policy decides then.
    bool passes =
        role_reads_every_scope(role) && (!s->reads_address || !any_canaries()) && !principal_narrows_session();
    s->role = role;
    s->principal = principal_in_force_id();
    s->refusing = missing_principal_setting == static_cast<int>(MissingPrincipal::Refuse);
    s->mark = mark;
    s->passes = passes;
    s->decided = true;
}

Datum shortcut_filter(ExprState* state, ExprContext* econtext, bool* isnull)
{
    auto* s = static_cast<PolicyShortcut*>(state->evalfunc_private);
    Oid role = GetUserId();
    if (unlikely(!s->decided || role != s->role || !access_unchanged_since(s->mark) ||
                 principal_in_force_id() != s->principal ||
                 s->refusing != (missing_principal_setting == static_cast<int>(MissingPrincipal::Refuse))))
        decide(s, role);
    if (!s->passes)
        return s->full->evalfunc(s->full, econtext, isnull);
    if (s->rest != nullptr)
        return s->rest->evalfunc(s->rest, econtext, isnull);
    *isnull = false;
    return BoolGetDatum(true);
}

// An argument that is never null for a row of the scanned relation: one of
// its NOT NULL columns, as it is or widened to bigint.
bool never_null(Node* arg, Index scanrelid, Relation rel)
{
    if (IsA(arg, RelabelType))
        arg = reinterpret_cast<Node*>(reinterpret_cast<RelabelType*>(arg)->arg);
    else if (IsA(arg, FuncExpr)) {
        auto* cast = reinterpret_cast<FuncExpr*>(arg);
        if ((cast->funcid != F_INT8_INT4 && cast->funcid != F_INT8_INT2) || list_length(cast->args) != 1)
            return false;
        arg = static_cast<Node*>(linitial(cast->args));
    }
    if (!IsA(arg, Var))
        return false;
    auto* var = reinterpret_cast<Var*>(arg);
    if (var->varno != static_cast<int>(scanrelid) || var->varlevelsup != 0 || var->varattno <= 0 ||
        var->varattno > RelationGetDescr(rel)->natts)
        return false;
    Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), var->varattno - 1);
    return att->attnotnull && !att->attisdropped;
}

// 2 or 3: the clause is can_read(account, list[, address]) on NOT NULL
// columns of the scanned relation; 0 otherwise.
int policy_clause(Node* clause, Index scanrelid, Relation rel)
{
    if (!IsA(clause, FuncExpr))
        return 0;
    auto* call = reinterpret_cast<FuncExpr*>(clause);
    int nargs = list_length(call->args);
    if (nargs != 2 && nargs != 3)
        return 0;
    if (!never_null(static_cast<Node*>(linitial(call->args)), scanrelid, rel) ||
        !never_null(static_cast<Node*>(lsecond(call->args)), scanrelid, rel))
        return 0;
    FmgrInfo info;
    fmgr_info(call->funcid, &info);
    if (nargs == 3 && info.fn_addr == lg_can_read_row)
        return 3;
    if (nargs == 2 && info.fn_addr == lg_can_read)
        return 2;
    return 0;
}

void shortcut_scan(ScanState* scan, EState* estate)
{
    PlanState* ps = &scan->ps;
    if (ps->qual == nullptr || ps->qual->evalfunc == shortcut_filter || scan->ss_currentRelation == nullptr)
        return;
    auto* plan = reinterpret_cast<Scan*>(ps->plan);
    List* rest = NIL;
    bool any = false;
    bool reads_address = false;
    ListCell* lc;
    foreach (lc, plan->plan.qual) {
        Node* clause = static_cast<Node*>(lfirst(lc));
        int kind = policy_clause(clause, plan->scanrelid, scan->ss_currentRelation);
        if (kind == 0) {
            rest = lappend(rest, clause);
            continue;
        }
        any = true;
        reads_address = reads_address || kind == 3;
    }
    // A subplan in the rest would get a second state: leave such filters.
    if (!any || contain_subplans(reinterpret_cast<Node*>(rest)))
        return;
    MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);
    auto* s = static_cast<PolicyShortcut*>(palloc0(sizeof(PolicyShortcut)));
    s->full = ps->qual;
    s->rest = rest != NIL ? ExecInitQual(rest, ps) : nullptr;
    s->reads_address = reads_address;
    ExprState* filter = makeNode(ExprState);
    filter->flags = EEO_FLAG_IS_QUAL;
    filter->parent = ps;
    filter->evalfunc = shortcut_filter;
    filter->evalfunc_private = s;
    ps->qual = filter;
    MemoryContextSwitchTo(old);
}

bool walk(PlanState* ps, void* context)
{
    if (ps == nullptr)
        return false;
    switch (nodeTag(ps)) {
    case T_SeqScanState:
    case T_SampleScanState:
    case T_IndexScanState:
    case T_BitmapHeapScanState:
    case T_TidScanState:
    case T_TidRangeScanState:
        shortcut_scan(reinterpret_cast<ScanState*>(ps), static_cast<EState*>(context));
        break;
    default:
        break;
    }
    return planstate_tree_walker(ps, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(walk)), context);
}

} // namespace

void shortcut_row_policies(QueryDesc* query)
{
    if (query->planstate == nullptr || current_access_generation() == 0)
        return;
    EState* estate = query->estate;
    walk(query->planstate, estate);
    ListCell* lc;
    foreach (lc, estate->es_subplanstates)
        walk(static_cast<PlanState*>(lfirst(lc)), estate);
}

} // namespace listguard::pg
