#include "pg/output/lookups.h"

#include "pg/base/catalog.h"
#include "pg/base/expression_nodes.h"

extern "C" {
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_func.h"
#include "parser/parse_oper.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
}

namespace listguard::pg {

namespace {

struct LookupObjects {
    Oid email_type = InvalidOid;
    Oid to_text = InvalidOid;         // listguard.text(email), the cast to text
    Oid address_or_null = InvalidOid; // listguard._address_or_null(text)
    Oid email_equals = InvalidOid;    // = (email, email)
    bool ready() const { return OidIsValid(to_text) && OidIsValid(address_or_null) && OidIsValid(email_equals); }
};

// Looked up once per installation of the extension (its type's OID).
LookupObjects lookup_objects()
{
    static LookupObjects cached;
    Oid email_type = listguard_objects().email_type;
    if (cached.email_type == email_type && cached.ready())
        return cached;
    LookupObjects o;
    o.email_type = email_type;
    if (!OidIsValid(o.email_type))
        return o;
    Oid text_arg = TEXTOID;
    o.to_text = LookupFuncName(list_make2(makeString(pstrdup("listguard")), makeString(pstrdup("text"))), 1,
                               &o.email_type, true);
    o.address_or_null = LookupFuncName(
        list_make2(makeString(pstrdup("listguard")), makeString(pstrdup("_address_or_null"))), 1, &text_arg, true);
    o.email_equals = OpernameGetOprid(list_make2(makeString(pstrdup("pg_catalog")), makeString(pstrdup("="))),
                                      o.email_type, o.email_type);
    cached = o;
    return o;
}

// The email expression E of a cast E::text (listguard.text(E)), else null.
Node* cast_argument(Node* node, const LookupObjects& o)
{
    node = without_relabel(node);
    if (node == nullptr || !IsA(node, FuncExpr))
        return nullptr;
    auto* f = castNode(FuncExpr, node);
    return f->funcid == o.to_text && list_length(f->args) == 1 ? static_cast<Node*>(linitial(f->args)) : nullptr;
}

// The argument of upper(x) or lower(x) (of the given one), else null.
Node* case_fold_argument(Node* node, Oid* fold)
{
    node = without_relabel(node);
    if (node == nullptr || !IsA(node, FuncExpr))
        return nullptr;
    auto* f = castNode(FuncExpr, node);
    if ((f->funcid != F_UPPER_TEXT && f->funcid != F_LOWER_TEXT) || list_length(f->args) != 1 ||
        (OidIsValid(*fold) && f->funcid != *fold))
        return nullptr;
    *fold = f->funcid;
    return static_cast<Node*>(linitial(f->args));
}

bool mentions_cast(Node* node, const LookupObjects* o);

bool mentions_cast_walker(Node* node, void* context)
{
    if (node == nullptr)
        return false;
    const auto* o = static_cast<const LookupObjects*>(context);
    if (IsA(node, FuncExpr) && castNode(FuncExpr, node)->funcid == o->to_text)
        return true;
    return expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(mentions_cast_walker)), context);
}

bool mentions_cast(Node* node, const LookupObjects* o) { return mentions_cast_walker(node, const_cast<LookupObjects*>(o)); }

// E = address_or_null(x), if the comparison is one of the lookups above.
Node* lookup_of(OpExpr* op, const LookupObjects& o)
{
    if (op->opfuncid != F_TEXTEQ && get_opcode(op->opno) != F_TEXTEQ)
        return nullptr;
    if (list_length(op->args) != 2)
        return nullptr;
    for (int side = 0; side < 2; side++) {
        Node* mine = static_cast<Node*>(list_nth(op->args, side));
        Node* other = static_cast<Node*>(list_nth(op->args, 1 - side));
        Node* email = cast_argument(mine, o);
        Node* value = other;
        if (email == nullptr) {
            Oid fold = InvalidOid;
            Node* folded = case_fold_argument(mine, &fold);
            email = folded != nullptr ? cast_argument(folded, o) : nullptr;
            value = email != nullptr ? case_fold_argument(other, &fold) : nullptr;
            if (value == nullptr)
                continue;
        }
        if (email == nullptr || mentions_cast(value, &o) || exprType(value) != TEXTOID)
            continue;
        FuncExpr* address = makeFuncExpr(o.address_or_null, o.email_type, list_make1(copyObjectImpl(value)), InvalidOid,
                                         InvalidOid, COERCE_EXPLICIT_CALL);
        address->location = op->location;
        Expr* lookup = make_opclause(o.email_equals, BOOLOID, false, static_cast<Expr*>(copyObjectImpl(email)),
                                     reinterpret_cast<Expr*>(address), InvalidOid, InvalidOid);
        castNode(OpExpr, lookup)->opfuncid = get_opcode(o.email_equals);
        castNode(OpExpr, lookup)->location = op->location;
        return reinterpret_cast<Node*>(lookup);
    }
    return nullptr;
}

void rewrite_query(Query* query, const LookupObjects& o);

Node* rewrite_node(Node* node, void* context)
{
    if (node == nullptr)
        return nullptr;
    const auto* o = static_cast<const LookupObjects*>(context);
    if (IsA(node, Query)) {
        Query* copy = static_cast<Query*>(copyObjectImpl(node));
        rewrite_query(copy, *o);
        return reinterpret_cast<Node*>(copy);
    }
    if (IsA(node, OpExpr)) {
        Node* lookup = lookup_of(castNode(OpExpr, node), *o);
        if (lookup != nullptr)
            return lookup;
    }
    return expression_tree_mutator(node, reinterpret_cast<Node* (*)()>(reinterpret_cast<void (*)()>(rewrite_node)), context);
}

void rewrite_from(Node* item, const LookupObjects& o)
{
    if (item == nullptr)
        return;
    if (IsA(item, JoinExpr)) {
        auto* join = castNode(JoinExpr, item);
        join->quals = rewrite_node(join->quals, const_cast<LookupObjects*>(&o));
        rewrite_from(join->larg, o);
        rewrite_from(join->rarg, o);
    } else if (IsA(item, FromExpr)) {
        auto* from = castNode(FromExpr, item);
        from->quals = rewrite_node(from->quals, const_cast<LookupObjects*>(&o));
        ListCell* lc;
        foreach (lc, from->fromlist)
            rewrite_from(static_cast<Node*>(lfirst(lc)), o);
    }
}

void rewrite_query(Query* query, const LookupObjects& o)
{
    rewrite_from(reinterpret_cast<Node*>(query->jointree), o);
    ListCell* lc;
    foreach (lc, query->rtable) {
        auto* rte = static_cast<RangeTblEntry*>(lfirst(lc));
        if (rte->rtekind == RTE_SUBQUERY && rte->subquery != nullptr)
            rewrite_query(rte->subquery, o);
    }
    foreach (lc, query->cteList) {
        auto* cte = static_cast<CommonTableExpr*>(lfirst(lc));
        if (cte->ctequery != nullptr && IsA(cte->ctequery, Query))
            rewrite_query(castNode(Query, cte->ctequery), o);
    }
}

} // namespace

void rewrite_address_lookups(Query* query)
{
    if (query == nullptr || query->commandType == CMD_UTILITY || !OidIsValid(listguard_objects().email_type))
        return;
    LookupObjects o = lookup_objects();
    if (o.ready())
        rewrite_query(query, o);
}

} // namespace listguard::pg
