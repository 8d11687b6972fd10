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

// Whether a value of listguard.email is this type, or inside it (a domain,
// an array of either); polymorphic types too if asked.
bool takes_email(TypeName* name, bool polymorphic_too)
{
    if (name == nullptr)
        return false;
    Oid email = listguard_objects().email_type;
    if (!OidIsValid(email))
        return false;
    Oid type = name->pct_type ? column_type_of(name) : LookupTypeNameOid(nullptr, name, true);
    if (!OidIsValid(type))
        return false;
    Oid element = get_element_type(type);
    if (OidIsValid(element))
        type = element;
    return getBaseType(type) == email || (polymorphic_too && (IsPolymorphicType(type) || type == ANYOID));
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

// What the statement would create over listguard.email, if anything.
const char* lookalike(Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_DefineStmt: {
        auto* define = castNode(DefineStmt, stmt);
        if (define->kind == OBJECT_OPERATOR) {
            ListCell* lc;
            foreach (lc, define->definition) {
                auto* item = castNode(DefElem, lfirst(lc));
                // defGetTypeName() reads the type however it is written
                // (a name, or a string such as 'email').
                if ((pg_strcasecmp(item->defname, "leftarg") == 0 || pg_strcasecmp(item->defname, "rightarg") == 0) &&
                    item->arg != nullptr && takes_email(defGetTypeName(item), true))
                    return psprintf("operator %s", NameListToString(define->defnames));
            }
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
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to create %s over listguard.email", what),
                    errdetail("Queries that pass listguard.email values to a name could resolve to it rather than "
                              "to listguard's or PostgreSQL's own, and hand it every value; with listguard loaded, "
                              "only superusers and members of listguard_admin may create operators, functions, "
                              "aggregates and casts over listguard.email."),
                    errhint("Ask an administrator to create it, or work on the values' text (listguard.text(email)) "
                            "in a function of other argument types.")));
}

} // namespace listguard::pg
