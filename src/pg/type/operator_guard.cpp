#include "pg/type/operator_guard.h"

#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/lsyscache.h"
}

namespace listguard::pg {

namespace {

// Whether a value of listguard.email could be passed for this type.
bool takes_email(TypeName* name)
{
    Oid type = LookupTypeNameOid(nullptr, name, true);
    if (!OidIsValid(type))
        return false;
    Oid email = listguard_objects().email_type;
    return OidIsValid(email) && (getBaseType(type) == email || IsPolymorphicType(type) || type == ANYOID);
}

} // namespace

void check_operator_statement(Node* stmt)
{
    if (!IsA(stmt, DefineStmt) || castNode(DefineStmt, stmt)->kind != OBJECT_OPERATOR)
        return;
    auto* define = castNode(DefineStmt, stmt);
    bool email_argument = false;
    ListCell* lc;
    foreach (lc, define->definition) {
        auto* item = castNode(DefElem, lfirst(lc));
        if ((pg_strcasecmp(item->defname, "leftarg") == 0 || pg_strcasecmp(item->defname, "rightarg") == 0) &&
            item->arg != nullptr && IsA(item->arg, TypeName) && takes_email(castNode(TypeName, item->arg)))
            email_argument = true;
    }
    if (!email_argument || is_admin(GetUserId()))
        return;
    record_event(EventKind::Denied, "{\"reason\": \"operator over listguard.email\"}");
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to create operator %s over listguard.email", NameListToString(define->defnames)),
                    errdetail("A lookup such as email = $1 would resolve to it rather than to listguard's, and hand "
                              "it every address looked up; with listguard loaded, only superusers and members of "
                              "listguard_admin may create operators that take listguard.email or a polymorphic type."),
                    errhint("Compare with listguard's operators: email = 'address' or email = $1 with a text "
                            "parameter already works.")));
}

} // namespace listguard::pg
