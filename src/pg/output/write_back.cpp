#include "pg/output/write_back.h"

#include <cstring>
#include <string_view>

#include "pg/access/reveal.h"
#include "pg/base/catalog.h"
#include "pg/base/expression_nodes.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/keys/keyring.h"
#include "pg/output/email_output.h"
#include "pg/type/input.h"
#include "pg/type/placeholders.h"
#include "pg/type/stored_value.h"

#include "core/email/placeholder.h"

extern "C" {
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_func.h"
#include "catalog/pg_class.h"
#include "parser/parsetree.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(lg_written_back);
PG_FUNCTION_INFO_V1(lg_text_written_back);
}

namespace listguard::pg {

namespace {

struct WriteBackObjects {
    Oid email_type = InvalidOid;
    Oid from_text = InvalidOid;         // listguard.email(text): the casts from text and varchar
    Oid written_back = InvalidOid;      // listguard._written_back(email, email, regclass, int2)
    Oid text_written_back = InvalidOid; // listguard._written_back(email, text, regclass, int2)
};

WriteBackObjects write_back_objects()
{
    static WriteBackObjects cached;
    Oid email_type = listguard_objects().email_type;
    if (cached.email_type == email_type && OidIsValid(cached.written_back))
        return cached;
    WriteBackObjects o;
    o.email_type = email_type;
    if (OidIsValid(email_type)) {
        List* name = list_make2(makeString(pstrdup("listguard")), makeString(pstrdup("_written_back")));
        Oid args[] = {email_type, email_type, REGCLASSOID, INT2OID};
        o.written_back = LookupFuncName(name, 4, args, true);
        args[1] = TEXTOID;
        o.text_written_back = LookupFuncName(name, 4, args, true);
        Oid text_arg = TEXTOID;
        o.from_text = LookupFuncName(list_make2(makeString(pstrdup("listguard")), makeString(pstrdup("email"))), 1,
                                     &text_arg, true);
    }
    cached = o;
    return o;
}

bool is_placeholder_const(Node* node, Oid email_type)
{
    node = without_relabel(node);
    if (node == nullptr || !IsA(node, Const))
        return false;
    auto* c = castNode(Const, node);
    return c->consttype == email_type && !c->constisnull &&
           holds_placeholder(reinterpret_cast<struct varlena*>(DatumGetPointer(c->constvalue)));
}

// A bound parameter's value is a placeholder (static parameter lists only:
// those of a client's Bind; placeholders are made nowhere else).
bool is_placeholder_param(const ParamListInfo params, int paramid, Oid email_type)
{
    if (params == nullptr || params->paramFetch != nullptr || paramid < 1 || paramid > params->numParams)
        return false;
    const ParamExternData& p = params->params[paramid - 1];
    return p.ptype == email_type && !p.isnull &&
           holds_placeholder(reinterpret_cast<struct varlena*>(DatumGetPointer(p.value)));
}

bool is_extern_param(Node* node)
{
    node = without_relabel(node);
    return node != nullptr && IsA(node, Param) && castNode(Param, node)->paramkind == PARAM_EXTERN;
}

// The places a new value may come from as it was written: the expression,
// or the results of the CASE and COALESCE in it (Django's bulk_update
// writes CASE WHEN id = 1 THEN '<mask>' ... ELSE email END). Never their
// conditions, nor the arguments of any other function.
template <typename Fn>
void for_each_source(Node* expr, Fn&& fn)
{
    expr = without_relabel(expr);
    if (expr != nullptr && IsA(expr, CaseExpr)) {
        auto* c = castNode(CaseExpr, expr);
        ListCell* lc;
        foreach (lc, c->args)
            for_each_source(reinterpret_cast<Node*>(static_cast<CaseWhen*>(lfirst(lc))->result), fn);
        for_each_source(reinterpret_cast<Node*>(c->defresult), fn);
    } else if (expr != nullptr && IsA(expr, CoalesceExpr)) {
        ListCell* lc;
        foreach (lc, castNode(CoalesceExpr, expr)->args)
            for_each_source(static_cast<Node*>(lfirst(lc)), fn);
    } else {
        fn(expr);
    }
}

// The same places, each replaced by what fn returns.
template <typename Fn>
Node* map_sources(Node* expr, Fn&& fn)
{
    if (expr != nullptr && IsA(expr, RelabelType)) {
        auto* r = static_cast<RelabelType*>(copyObjectImpl(expr));
        r->arg = reinterpret_cast<Expr*>(map_sources(reinterpret_cast<Node*>(r->arg), fn));
        return reinterpret_cast<Node*>(r);
    }
    if (expr != nullptr && IsA(expr, CaseExpr)) {
        auto* c = static_cast<CaseExpr*>(copyObjectImpl(expr));
        ListCell* lc;
        foreach (lc, c->args) {
            auto* when = static_cast<CaseWhen*>(lfirst(lc));
            when->result = reinterpret_cast<Expr*>(map_sources(reinterpret_cast<Node*>(when->result), fn));
        }
        c->defresult = reinterpret_cast<Expr*>(map_sources(reinterpret_cast<Node*>(c->defresult), fn));
        return reinterpret_cast<Node*>(c);
    }
    if (expr != nullptr && IsA(expr, CoalesceExpr)) {
        auto* c = static_cast<CoalesceExpr*>(copyObjectImpl(expr));
        ListCell* lc;
        foreach (lc, c->args)
            lfirst(lc) = map_sources(static_cast<Node*>(lfirst(lc)), fn);
        return reinterpret_cast<Node*>(c);
    }
    return fn(expr);
}

// The new values of email columns in an UPDATE: the target entries a
// write-back may be.
// Parse analysis sees the statement as written; the planner, after the
// rewriter, sees the relation actually updated.
enum class Stage { Written, Rewritten };

// Only an UPDATE of a table keeps a stored value: a view updated by its
// INSTEAD OF trigger (still the target after the rewriter) passes NEW to
// code of its own, where a placeholder would be a value like any other; an
// automatically updatable view is its table once rewritten.
bool writes_into_table(Query* query, Stage stage)
{
    RangeTblEntry* target = rt_fetch(query->resultRelation, query->rtable);
    if (target->rtekind != RTE_RELATION)
        return false;
    return target->relkind == RELKIND_RELATION || target->relkind == RELKIND_PARTITIONED_TABLE ||
           (stage == Stage::Written && target->relkind == RELKIND_VIEW);
}

template <typename Fn>
void for_each_email_target(Query* query, Oid email_type, Stage stage, Fn&& fn)
{
    if (query->commandType != CMD_UPDATE || !writes_into_table(query, stage))
        return;
    ListCell* lc;
    foreach (lc, query->targetList) {
        auto* tle = static_cast<TargetEntry*>(lfirst(lc));
        if (!tle->resjunk && exprType(reinterpret_cast<Node*>(tle->expr)) == email_type)
            fn(tle);
    }
}

struct ParamUses {
    ParamListInfo bound;
    Oid email_type;
    int uses = 0; // of parameters whose value is a placeholder
};

bool count_placeholder_params(Node* node, ParamUses* uses)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Param)) {
        auto* p = castNode(Param, node);
        if (p->paramkind == PARAM_EXTERN && is_placeholder_param(uses->bound, p->paramid, uses->email_type))
            uses->uses++;
        return false;
    }
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node),
                                 reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(count_placeholder_params)),
                                 uses, 0);
    return expression_tree_walker(
        node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(count_placeholder_params)), uses);
}

bool count_placeholder_consts(Node* node, int* count)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Const)) {
        auto* c = castNode(Const, node);
        if (!c->constisnull && c->consttype == listguard_objects().email_type &&
            holds_placeholder(reinterpret_cast<struct varlena*>(DatumGetPointer(c->constvalue))))
            (*count)++;
        return false;
    }
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node),
                                 reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(count_placeholder_consts)),
                                 count, 0);
    return expression_tree_walker(
        node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(count_placeholder_consts)), count);
}

struct WrappedParams {
    Oid function;
    const ParamListInfo params;
    Oid email_type;
    int wrapped = 0; // placeholder parameters a source of _written_back's new value
};

bool count_wrapped_params(Node* node, WrappedParams* w)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncExpr) && castNode(FuncExpr, node)->funcid == w->function) {
        for_each_source(static_cast<Node*>(lsecond(castNode(FuncExpr, node)->args)), [&](Node* source) {
            if (source != nullptr && IsA(source, Param) &&
                is_placeholder_param(w->params, castNode(Param, source)->paramid, w->email_type))
                w->wrapped++;
        });
        return false;
    }
    return expression_tree_walker(node,
                                  reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(count_wrapped_params)), w);
}

// Wrapped placeholders in the target lists of every node of a plan (a
// partitioned table's new values are made in each partition's scan). Ones
// it misses make the statement refused, never allowed.
void count_wrapped_in_plan(Plan* plan, WrappedParams* w)
{
    if (plan == nullptr)
        return;
    count_wrapped_params(reinterpret_cast<Node*>(plan->targetlist), w);
    count_wrapped_in_plan(plan->lefttree, w);
    count_wrapped_in_plan(plan->righttree, w);
    ListCell* lc;
    if (IsA(plan, Append))
        foreach (lc, castNode(Append, plan)->appendplans)
            count_wrapped_in_plan(static_cast<Plan*>(lfirst(lc)), w);
    if (IsA(plan, MergeAppend))
        foreach (lc, castNode(MergeAppend, plan)->mergeplans)
            count_wrapped_in_plan(static_cast<Plan*>(lfirst(lc)), w);
    if (IsA(plan, SubqueryScan))
        count_wrapped_in_plan(castNode(SubqueryScan, plan)->subplan, w);
}

// Occurrences of "{PARAM :paramkind 0 :paramid N " in a plan printed as
// text: every node of every kind is printed, so none is missed (values of
// constants are printed as bytes and cannot hold the pattern).
int param_uses_in_plan(const char* plan, int paramid)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "{PARAM :paramkind %d :paramid %d ", static_cast<int>(PARAM_EXTERN), paramid);
    int uses = 0;
    for (const char* at = strstr(plan, pattern); at != nullptr; at = strstr(at + 1, pattern))
        uses++;
    return uses;
}

FuncExpr* written_back_call(Oid function, Oid email_type, Query* query, TargetEntry* tle, Node* value)
{
    RangeTblEntry* target = rt_fetch(query->resultRelation, query->rtable);
    Var* old = makeVar(query->resultRelation, tle->resno, email_type, -1, InvalidOid, 0);
    Const* table = makeConst(REGCLASSOID, -1, InvalidOid, sizeof(Oid), ObjectIdGetDatum(target->relid), false, true);
    Const* column = makeConst(INT2OID, -1, InvalidOid, sizeof(int16), Int16GetDatum(tle->resno), false, true);
    FuncExpr* call = makeFuncExpr(function, email_type, list_make4(old, value, table, column), InvalidOid, InvalidOid,
                                  COERCE_EXPLICIT_CALL);
    call->location = exprLocation(value);
    return call;
}

} // namespace

void check_written_back_literals(Query* query)
{
    int made = pending_placeholders();
    if (made == 0)
        return;
    Oid email_type = listguard_objects().email_type;
    int allowed = 0;
    for_each_email_target(query, email_type, Stage::Written, [&](TargetEntry* tle) {
        for_each_source(reinterpret_cast<Node*>(tle->expr), [&](Node* source) {
            if (is_placeholder_const(source, email_type))
                allowed++;
        });
    });
    if (made != allowed)
        refuse_pending_placeholders();
    clear_pending_placeholders();
}

void plan_written_back(Query* query, ParamListInfo bound)
{
    // What the rewriter made of a statement (a rule's action holds the
    // literal too): placeholder literals only where an UPDATE's email
    // column takes its new value from them.
    if (placeholders_ever_made()) {
        Oid email_type = listguard_objects().email_type;
        int all = 0;
        count_placeholder_consts(reinterpret_cast<Node*>(query), &all);
        int sources = 0;
        for_each_email_target(query, email_type, Stage::Rewritten, [&](TargetEntry* tle) {
            for_each_source(reinterpret_cast<Node*>(tle->expr), [&](Node* source) {
                if (is_placeholder_const(source, email_type))
                    sources++;
            });
        });
        if (all != sources)
            refuse_pending_placeholders();
    }
    if (query->commandType != CMD_UPDATE)
        return;
    WriteBackObjects o = write_back_objects();
    if (!OidIsValid(o.email_type) || !OidIsValid(o.written_back) || !OidIsValid(o.text_written_back))
        return;
    // A custom plan sees the parameters' values: placeholders only where
    // a new value of an email column comes from.
    if (pending_placeholders() > 0) {
        ParamUses all{bound, o.email_type};
        count_placeholder_params(reinterpret_cast<Node*>(query), &all);
        int sources = 0;
        for_each_email_target(query, o.email_type, Stage::Rewritten, [&](TargetEntry* tle) {
            for_each_source(reinterpret_cast<Node*>(tle->expr), [&](Node* source) {
                if (source != nullptr && IsA(source, Param) &&
                    is_placeholder_param(bound, castNode(Param, source)->paramid, o.email_type))
                    sources++;
            });
        });
        if (all.uses != sources)
            refuse_pending_placeholders();
    }
    for_each_email_target(query, o.email_type, Stage::Rewritten, [&](TargetEntry* tle) {
        bool may_hold_placeholder = false;
        // Text cast to the type (JDBC's setString, email::text written
        // back) is compared as text: email(x) becomes _written_back(email, x, ...).
        Node* value = map_sources(reinterpret_cast<Node*>(tle->expr), [&](Node* source) -> Node* {
            Node* plain = without_relabel(source);
            if (plain != nullptr && IsA(plain, FuncExpr) && castNode(FuncExpr, plain)->funcid == o.from_text)
                return reinterpret_cast<Node*>(
                    written_back_call(o.text_written_back, o.email_type, query, tle,
                                      static_cast<Node*>(linitial(castNode(FuncExpr, plain)->args))));
            if (is_extern_param(plain) || is_placeholder_const(plain, o.email_type))
                may_hold_placeholder = true;
            return source;
        });
        if (may_hold_placeholder)
            value = reinterpret_cast<Node*>(written_back_call(o.written_back, o.email_type, query, tle, value));
        tle->expr = reinterpret_cast<Expr*>(value);
    });
}

void check_written_back_parameters(QueryDesc* query)
{
    ParamListInfo params = query->params;
    Oid email_type = listguard_objects().email_type;
    int in_params = 0;
    if (params != nullptr && params->paramFetch == nullptr)
        for (int id = 1; id <= params->numParams; id++)
            in_params += is_placeholder_param(params, id, email_type) ? 1 : 0;
    if (in_params == 0 && pending_placeholders() == 0)
        return;
    // Placeholders are made only from a client's literals and parameters:
    // those pending must all be this statement's parameters, and it an
    // UPDATE the client runs.
    PlannedStmt* stmt = query->plannedstmt;
    if (!placeholders_allowed() || in_params != pending_placeholders() || stmt->commandType != CMD_UPDATE ||
        stmt->hasModifyingCTE)
        refuse_pending_placeholders();
    // Each use of such a parameter in the plan must be a source of a
    // wrapped new value (a custom plan holds their values instead, checked
    // when planned).
    WrappedParams w{write_back_objects().written_back, params, email_type};
    count_wrapped_in_plan(stmt->planTree, &w);
    char* plan = nodeToString(stmt);
    int uses = 0;
    for (int id = 1; id <= params->numParams; id++)
        if (is_placeholder_param(params, id, email_type))
            uses += param_uses_in_plan(plan, id);
    pfree(plan);
    if (uses != w.wrapped)
        refuse_pending_placeholders();
    clear_pending_placeholders();
}

} // namespace listguard::pg

using namespace listguard;
using namespace listguard::pg;

namespace {

// The old value, if `text` (a placeholder's text) is exactly what the
// current role is shown of it and it may read the column; else the
// input's error.
Datum kept_if_shown(FunctionCallInfo fcinfo, ShownForm form, std::string_view text)
{
    Oid table = PG_ARGISNULL(2) ? InvalidOid : PG_GETARG_OID(2);
    AttrNumber column = PG_ARGISNULL(3) ? InvalidAttrNumber : PG_GETARG_INT16(3);
    bool may_read = OidIsValid(table) && column > 0 &&
                    (pg_class_aclcheck(table, GetUserId(), ACL_SELECT) == ACLCHECK_OK ||
                     pg_attribute_aclcheck(table, column, GetUserId(), ACL_SELECT) == ACLCHECK_OK);
    if (PG_ARGISNULL(0) || !may_read)
        guarded([&] { refuse_shown_form(form, true); });
    struct varlena* old = PG_GETARG_VARLENA_PP(0);
    EmailBytes v = email_bytes(old);
    Stamp stamp = sealed::stamp_of(v.data);
    ensure_keyring();
    RevealDecision reveal = reveal_for(stamp);
    // What the role was shown: its level's form; a clear role is shown
    // masks only when its quota is used up and its grant says to mask (one
    // that says to fail was never shown one, and learns nothing here).
    if (reveal.level == RevealLevel::Clear && !reveal.grant.mask_on_exceed)
        guarded([&] { refuse_shown_form(form, true); });
    RevealLevel shown = reveal.level == RevealLevel::Clear ? RevealLevel::Masked : reveal.level;
    bool same = guarded([&] {
        if (shown == RevealLevel::Sealed || (shown == RevealLevel::Masked) != (form == ShownForm::Mask))
            return false;
        char buffer[kMaxRenderOctets];
        std::size_t len = render(shown, stamp, v, buffer);
        return std::string_view(buffer, len) == text;
    });
    if (!same)
        guarded([&] { refuse_shown_form(form, true); });
    PG_RETURN_POINTER(old);
}

} // namespace

// listguard._written_back(old email, written email, tbl regclass, col
// int2): written, unless it is a placeholder; then old, if the
// placeholder's text is exactly what the current role is shown of old.
// Not strict: old may be null.
extern "C" Datum lg_written_back(PG_FUNCTION_ARGS)
{
    require_preload();
    if (PG_ARGISNULL(1))
        PG_RETURN_NULL();
    struct varlena* written = PG_GETARG_VARLENA_PP(1);
    if (!holds_placeholder(written))
        PG_RETURN_POINTER(written);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(VARDATA_ANY(written));
    return kept_if_shown(fcinfo, placeholder_form(bytes), placeholder_text(bytes, VARSIZE_ANY_EXHDR(written)));
}

// listguard._written_back(old email, written text, tbl regclass, col int2):
// the text cast to the type, as email(text) does, unless it is a mask or a
// pseudonym; then old, if it is exactly what the current role is shown of
// old. Not strict: old may be null.
extern "C" Datum lg_text_written_back(PG_FUNCTION_ARGS)
{
    require_preload();
    if (PG_ARGISNULL(1))
        PG_RETURN_NULL();
    text* written = PG_GETARG_TEXT_PP(1);
    Datum value;
    PendingError error;
    if (!seal_text(VARDATA_ANY(written), VARSIZE_ANY_EXHDR(written), &value, error, ShownForms::Placeholder))
        error.raise();
    auto* sealed_value = reinterpret_cast<struct varlena*>(DatumGetPointer(value));
    if (!holds_placeholder(sealed_value))
        return value;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(VARDATA_ANY(sealed_value));
    return kept_if_shown(fcinfo, placeholder_form(bytes), placeholder_text(bytes, VARSIZE_ANY_EXHDR(sealed_value)));
}
