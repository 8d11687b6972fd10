#include "pg/protect/lookalike_guard.h"

#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/lsyscache.h"
}

namespace listguard::pg {

namespace {

// The type a "table.column%TYPE" names, looked up quietly: PostgreSQL's own
// lookup prints a NOTICE each time, and the statement looks it up again.
Oid column_type_of(TypeName* name)
{
    int n = list_length(name->names);
    if (n < 2)
        return InvalidOid;
    RangeVar* table = makeRangeVarFromNameList(list_copy_head(name->names, n - 1));
    Oid relid = RangeVarGetRelid(table, NoLock, true);
    if (!OidIsValid(relid))
        return InvalidOid;
    AttrNumber column = get_attnum(relid, strVal(llast(name->names)));
    return column == InvalidAttrNumber ? InvalidOid : get_atttype(relid, column);
}

// How a type takes listguard.email values: not at all, as listguard.email
// (or a domain over it, an array of either), or as a polymorphic type
// (anyelement, any, ...), which takes every type.
enum class Takes { Nothing, Email, Polymorphic };

Takes email_taken_by(TypeName* name)
{
    if (name == nullptr)
        return Takes::Nothing;
    Oid email = listguard_objects().email_type;
    if (!OidIsValid(email))
        return Takes::Nothing;
    Oid type = name->pct_type ? column_type_of(name) : LookupTypeNameOid(nullptr, name, true);
    if (!OidIsValid(type))
        return Takes::Nothing;
    Oid element = get_element_type(type);
    if (OidIsValid(element))
        type = element;
    if (getBaseType(type) == email)
        return Takes::Email;
    return IsPolymorphicType(type) || type == ANYOID ? Takes::Polymorphic : Takes::Nothing;
}

// Whether a value of listguard.email is this type, or inside it; polymorphic
// types too if asked.
bool takes_email(TypeName* name, bool polymorphic_too)
{
    Takes takes = email_taken_by(name);
    return takes == Takes::Email || (polymorphic_too && takes == Takes::Polymorphic);
}

// An aggregate's argument list is (parameters, position of ORDER BY): for
// "(*)" the parameters are NIL, and the position is an Integer node.
bool any_parameter_takes_email(List* parameters)
{
    ListCell* lc;
    foreach (lc, parameters) {
        Node* item = static_cast<Node*>(lfirst(lc));
        if (item == nullptr)
            continue;
        if (IsA(item, FunctionParameter) && takes_email(castNode(FunctionParameter, item)->argType, false))
            return true;
        if (IsA(item, TypeName) && takes_email(castNode(TypeName, item), false))
            return true;
        if (IsA(item, List) && any_parameter_takes_email(castNode(List, item)))
            return true;
    }
    return false;
}

// What the statement would create over listguard.email, if anything
// ("... over listguard.email" follows it, unless it says otherwise).
const char* lookalike(Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_DefineStmt: {
        auto* define = castNode(DefineStmt, stmt);
        if (define->kind == OBJECT_OPERATOR) {
            ListCell* lc;
            Takes takes = Takes::Nothing;
            foreach (lc, define->definition) {
                auto* item = castNode(DefElem, lfirst(lc));
                // defGetTypeName() reads the type however it is written
                // (a name, or a string such as 'email').
                if ((pg_strcasecmp(item->defname, "leftarg") == 0 || pg_strcasecmp(item->defname, "rightarg") == 0) &&
                    item->arg != nullptr) {
                    Takes arg = email_taken_by(defGetTypeName(item));
                    if (arg == Takes::Email || (arg == Takes::Polymorphic && takes == Takes::Nothing))
                        takes = arg;
                }
            }
            // A polymorphic operator is said as such: the statement names no
            // listguard.email, but the operator would take its values.
            if (takes == Takes::Email)
                return psprintf("operator %s", NameListToString(define->defnames));
            if (takes == Takes::Polymorphic)
                return psprintf("operator %s over a polymorphic type (it takes listguard.email values too)",
                                NameListToString(define->defnames));
        }
        if (define->kind == OBJECT_AGGREGATE && any_parameter_takes_email(define->args))
            return psprintf("aggregate %s", NameListToString(define->defnames));
        return nullptr;
    }
    case T_CreateFunctionStmt: {
        auto* create = castNode(CreateFunctionStmt, stmt);
        if (any_parameter_takes_email(create->parameters))
            return psprintf("%s %s", create->is_procedure ? "procedure" : "function",
                            NameListToString(create->funcname));
        return nullptr;
    }
    case T_CreateCastStmt: {
        auto* cast = castNode(CreateCastStmt, stmt);
        if (takes_email(cast->sourcetype, false) || takes_email(cast->targettype, false))
            return pstrdup("a cast");
        return nullptr;
    }
    default:
        return nullptr;
    }
}

} // namespace

void check_lookalike_statement(Node* stmt)
{
    const char* what = lookalike(stmt);
    if (what == nullptr || is_admin(GetUserId()))
        return;
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"object over listguard.email\", \"object\": %s}", json_string(what)));
    bool says_over = strstr(what, " over ") != nullptr;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    says_over ? errmsg("permission denied to create %s", what)
                              : errmsg("permission denied to create %s over listguard.email", what),
                    errdetail("Queries that pass listguard.email values to a name could resolve to it rather than "
                              "to listguard's or PostgreSQL's own, and hand it every value; with listguard loaded, "
                              "only superusers and members of listguard_admin may create operators, functions, "
                              "aggregates and casts over listguard.email."),
                    errhint("Ask an administrator to create it, or work on the values' text (listguard.text(email)) "
                            "in a function of other argument types.")));
}

} // namespace listguard::pg
