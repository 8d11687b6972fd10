#include "pg/base/spi.h"
#include "pg/protect/schema_guard.h"

#include <cstring>

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

// CREATE SCHEMA AUTHORIZATION r names the schema after r.
const char* created_schema_name(const CreateSchemaStmt* stmt)
{
    if (stmt->schemaname != nullptr)
        return stmt->schemaname;
    if (stmt->authrole == nullptr)
        return nullptr;
    Oid role = get_rolespec_oid(stmt->authrole, true);
    return OidIsValid(role) ? GetUserNameFromId(role, true) : nullptr;
}

namespace {

constexpr const char* kSchema = "listguard";

bool is_listguard_name(const char* name)
{
    return name != nullptr && strcmp(name, kSchema) == 0;
}

bool names_listguard_schema(const Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_CreateSchemaStmt:
        return is_listguard_name(created_schema_name(castNode(CreateSchemaStmt, stmt)));
    case T_RenameStmt: {
        auto* rename = castNode(RenameStmt, stmt);
        return rename->renameType == OBJECT_SCHEMA &&
               (is_listguard_name(rename->subname) || is_listguard_name(rename->newname));
    }
    case T_AlterOwnerStmt: {
        auto* owner = castNode(AlterOwnerStmt, stmt);
        return owner->objectType == OBJECT_SCHEMA && is_listguard_name(strVal(owner->object));
    }
    case T_DropStmt: {
        auto* drop = castNode(DropStmt, stmt);
        if (drop->removeType != OBJECT_SCHEMA)
            return false;
        ListCell* lc;
        foreach (lc, drop->objects)
            if (is_listguard_name(strVal(lfirst(lc))))
                return true;
        return false;
    }
    case T_GrantStmt: {
        auto* grant = castNode(GrantStmt, stmt);
        if (grant->objtype != OBJECT_SCHEMA || grant->targtype != ACL_TARGET_OBJECT)
            return false;
        ListCell* lc;
        foreach (lc, grant->objects)
            if (is_listguard_name(strVal(lfirst(lc))))
                return true;
        return false;
    }
    default:
        return false;
    }
}

// Why an existing schema listguard cannot take the extension, or nullptr.
const char* unusable_schema_reason(Oid schema)
{
    HeapTuple tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(schema));
    if (!HeapTupleIsValid(tuple))
        return nullptr;
    Oid owner = reinterpret_cast<Form_pg_namespace>(GETSTRUCT(tuple))->nspowner;
    ReleaseSysCache(tuple);
    if (!superuser_arg(owner))
        return psprintf("The schema is owned by role \"%s\", which is not a superuser.",
                        GetUserNameFromId(owner, true) ? GetUserNameFromId(owner, true) : "?");
    // Objects of any kind a schema can hold, and any non-superuser with
    // CREATE on it (PUBLIC included).
    const char* query =
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM pg_catalog.pg_class WHERE relnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_proc WHERE pronamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_type WHERE typnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_operator WHERE oprnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_collation WHERE collnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_conversion WHERE connamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_opclass WHERE opcnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_opfamily WHERE opfnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_statistic_ext WHERE stxnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_ts_config WHERE cfgnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_ts_dict WHERE dictnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_ts_parser WHERE prsnamespace = $1"
        " UNION ALL SELECT 1 FROM pg_catalog.pg_ts_template WHERE tmplnamespace = $1) o)::int4,"
        " (SELECT a.grantee FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a"
        "   WHERE n.oid = $1 AND a.privilege_type = 'CREATE'"
        "     AND (a.grantee = 0 OR NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE oid = a.grantee))"
        "   LIMIT 1)";
    Oid type = OIDOID;
    Datum arg = ObjectIdGetDatum(schema);
    connect_spi();
    if (SPI_execute_with_args(query, 1, &type, &arg, nullptr, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "could not read the contents of schema \"listguard\"");
    bool isnull;
    int objects = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    bool grantee_isnull;
    Oid grantee =
        DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &grantee_isnull));
    SPI_finish();
    if (objects > 0)
        return psprintf("The schema already holds %d object%s.", objects, objects == 1 ? "" : "s");
    if (!grantee_isnull)
        return grantee == InvalidOid ? pstrdup("PUBLIC may create objects in the schema.")
                                     : psprintf("Role \"%s\" may create objects in the schema.",
                                                GetUserNameFromId(grantee, true));
    return nullptr;
}

} // namespace

void check_schema_statement(Node* stmt)
{
    if (!IsTransactionState())
        return;
    if (IsA(stmt, CreateExtensionStmt)) {
        if (strcmp(castNode(CreateExtensionStmt, stmt)->extname, "listguard") != 0)
            return;
        // Installed already: PostgreSQL refuses, or skips IF NOT EXISTS.
        if (OidIsValid(get_extension_oid("listguard", true)))
            return;
        Oid schema = get_namespace_oid(kSchema, true);
        if (!OidIsValid(schema))
            return;
        if (const char* reason = unusable_schema_reason(schema))
            ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                            errmsg("cannot install extension \"listguard\" into the existing schema \"listguard\""),
                            errdetail_internal("%s", reason),
                            errhint("Check what the schema holds, drop it, and run CREATE EXTENSION listguard "
                                    "again: listguard makes its own schema.")));
        return;
    }
    if (superuser() || !names_listguard_schema(stmt))
        return;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied for schema \"listguard\""),
                    errdetail("The schema \"listguard\" is the listguard extension's; only a superuser may create, "
                              "rename, re-own, grant on or drop it."),
                    errhint("Choose another name for your schema.")));
}

} // namespace listguard::pg
