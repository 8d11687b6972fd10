#include "pg/protect/shadow_guard.h"

#include <cstring>

#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/protect/schema_guard.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

// Is there a function of the citus extension called `name` in pg_catalog?
bool is_citus_function_name(const char* name)
{
    if (name == nullptr)
        return false;
    Oid citus = get_extension_oid("citus", true);
    if (!OidIsValid(citus))
        return false;
    bool found = false;
    CatCList* candidates = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(name));
    for (int i = 0; i < candidates->n_members && !found; i++) {
        HeapTuple tuple = &candidates->members[i]->tuple;
        auto* proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
        found =
            proc->pronamespace == PG_CATALOG_NAMESPACE && getExtensionOfObject(ProcedureRelationId, proc->oid) == citus;
    }
    ReleaseSysCacheList(candidates);
    return found;
}

// The schema a qualified name list puts the object in: true if pg_catalog
// (only superusers create there anyway).
bool names_pg_catalog(List* names)
{
    if (list_length(names) < 2)
        return false;
    const char* schema = strVal(list_nth(names, list_length(names) - 2));
    return strcmp(schema, "pg_catalog") == 0;
}

// Whose search_path "$user" would make a schema of this name first on:
// a superuser's, or one of listguard's roles'.
const char* shadowed_role(const char* schema)
{
    if (schema == nullptr)
        return nullptr;
    for (const char* role : {kAdminRole, kOwnerRole, kApproverRole, kStandbyRole, kBackupRole, kMonitorRole})
        if (strcmp(schema, role) == 0)
            return role;
    HeapTuple tuple = SearchSysCache1(AUTHNAME, CStringGetDatum(schema));
    if (!HeapTupleIsValid(tuple))
        return nullptr;
    bool super = reinterpret_cast<Form_pg_authid>(GETSTRUCT(tuple))->rolsuper;
    ReleaseSysCache(tuple);
    return super ? schema : nullptr;
}

bool is_routine(ObjectType type)
{
    return type == OBJECT_FUNCTION || type == OBJECT_PROCEDURE || type == OBJECT_ROUTINE || type == OBJECT_AGGREGATE;
}

const char* routine_word(ObjectType type)
{
    switch (type) {
    case OBJECT_PROCEDURE:
        return "procedure";
    case OBJECT_AGGREGATE:
        return "aggregate";
    case OBJECT_ROUTINE:
        return "routine";
    default:
        return "function";
    }
}

// `action` says what was refused ("create function \"f\""), `name` the Citus
// function's name.
[[noreturn]] void refuse_routine(const char* action, const char* word, const char* name)
{
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"shadows a Citus function\", \"action\": %s}", json_string(action)));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to %s", action),
                    errdetail("Citus calls its function %s() unqualified on its internal connections, as a superuser "
                              "or as listguard_owner; a %s of that name on their search_path could run instead. With "
                              "listguard loaded, only superusers may give a %s the name of a Citus function.",
                              name, word, word),
                    errhint("Choose another name.")));
}

[[noreturn]] void refuse_schema(const char* action, const char* role)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"schema shadows a role's search_path\", \"action\": %s}",
                                             json_string(action)));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to %s", action),
                    errdetail("A schema named after role \"%s\" comes first on its search_path (\"$user\"), and its "
                              "functions would run in that role's sessions. With listguard loaded, only superusers "
                              "may give a schema the name of a superuser or of one of listguard's roles.",
                              role),
                    errhint("Choose another name.")));
}

void check_routine_name(const char* action, ObjectType type, List* names)
{
    if (names == NIL || names_pg_catalog(names))
        return;
    const char* name = strVal(llast(names));
    if (is_citus_function_name(name))
        refuse_routine(psprintf("%s %s \"%s\"", action, routine_word(type), name), routine_word(type), name);
}

} // namespace

void check_shadow_statement(Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_CreateFunctionStmt:
    case T_CreateSchemaStmt:
        break;
    case T_DefineStmt:
        if (castNode(DefineStmt, stmt)->kind == OBJECT_AGGREGATE)
            break;
        return;
    case T_RenameStmt: {
        auto* rename = castNode(RenameStmt, stmt);
        if (rename->renameType == OBJECT_SCHEMA || is_routine(rename->renameType))
            break;
        return;
    }
    case T_AlterObjectSchemaStmt:
        if (is_routine(castNode(AlterObjectSchemaStmt, stmt)->objectType))
            break;
        return;
    default:
        return;
    }
    if (!IsTransactionState() || superuser())
        return;
    switch (nodeTag(stmt)) {
    case T_CreateFunctionStmt: {
        auto* create = castNode(CreateFunctionStmt, stmt);
        check_routine_name("create", create->is_procedure ? OBJECT_PROCEDURE : OBJECT_FUNCTION, create->funcname);
        break;
    }
    case T_DefineStmt:
        check_routine_name("create", OBJECT_AGGREGATE, castNode(DefineStmt, stmt)->defnames);
        break;
    case T_CreateSchemaStmt: {
        const char* schema = created_schema_name(castNode(CreateSchemaStmt, stmt));
        if (const char* role = shadowed_role(schema))
            refuse_schema(psprintf("create schema \"%s\"", schema), role);
        break;
    }
    case T_RenameStmt: {
        auto* rename = castNode(RenameStmt, stmt);
        if (rename->renameType == OBJECT_SCHEMA) {
            if (const char* role = shadowed_role(rename->newname))
                refuse_schema(psprintf("rename a schema to \"%s\"", rename->newname), role);
        } else {
            // The new name stays in the function's schema.
            auto* routine = castNode(ObjectWithArgs, rename->object);
            if (!names_pg_catalog(routine->objname) && is_citus_function_name(rename->newname))
                refuse_routine(psprintf("rename a %s to \"%s\"", routine_word(rename->renameType), rename->newname),
                               routine_word(rename->renameType), rename->newname);
        }
        break;
    }
    case T_AlterObjectSchemaStmt: {
        auto* move = castNode(AlterObjectSchemaStmt, stmt);
        if (strcmp(move->newschema, "pg_catalog") == 0)
            break;
        auto* routine = castNode(ObjectWithArgs, move->object);
        const char* name = strVal(llast(routine->objname));
        if (is_citus_function_name(name))
            refuse_routine(
                psprintf("move %s \"%s\" to schema \"%s\"", routine_word(move->objectType), name, move->newschema),
                routine_word(move->objectType), name);
        break;
    }
    default:
        break;
    }
}

} // namespace listguard::pg
