#include "pg/protect/ddl_guard.h"

#include <cstring>

#include "pg/access/admin_gate.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/protect/protection.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace listguard::pg {

namespace {

bool is_listguard_name(const char* name) { return name != nullptr && strncmp(name, "listguard_", 10) == 0; }

[[noreturn]] void refuse(Oid relid, const char* what)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"protected table\", \"action\": %s}", json_string(what)),
                 table_scope(relid));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to %s of protected table %s", what, get_rel_name(relid)),
                    errdetail("The table is protected by listguard; only superusers and members of "
                              "listguard_admin may weaken its protection."),
                    errhint("An administrator can run listguard.unprotect() first if the protection must go.")));
    pg_unreachable();
}

Oid relid_of(RangeVar* rv) { return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid; }

// An admin weakening a protected table is allowed, and recorded.
void weaken(Oid relid, const char* what)
{
    record_event(EventKind::ProtectionChanged, psprintf("{\"action\": %s}", json_string(what)), table_scope(relid));
}

// Refused for others, recorded for admins.
void weakening(bool admin, Oid relid, const char* what)
{
    if (!admin)
        refuse(relid, what);
    if (!in_admin_function())
        weaken(relid, what);
}

void check_alter_table(AlterTableStmt* stmt)
{
    Oid relid = relid_of(stmt->relation);
    if (!OidIsValid(relid))
        return;
    Oid email_type = listguard_objects().email_type;
    Protection p;
    bool looked_up = false;
    auto prot = [&]() -> const Protection& {
        if (!looked_up) {
            p = protection_of(relid);
            looked_up = true;
        }
        return p;
    };
    bool admin = is_admin(GetUserId());

    ListCell* lc;
    foreach (lc, stmt->cmds) {
        auto* cmd = static_cast<AlterTableCmd*>(lfirst(lc));
        switch (cmd->subtype) {
        case AT_AlterColumnType: {
            AttrNumber att = get_attnum(relid, cmd->name);
            if (att == InvalidAttrNumber || !OidIsValid(email_type) ||
                getBaseType(get_atttype(relid, att)) != email_type)
                break;
            auto* def = castNode(ColumnDef, cmd->def);
            Oid target = LookupTypeNameOid(nullptr, def->typeName, true);
            if (!OidIsValid(target) || getBaseType(target) != email_type) {
                record_event(EventKind::Denied,
                             "{\"reason\": \"email column to another type\", \"action\": \"alter column type\"}",
                             table_scope(relid));
                ereport(ERROR,
                        (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                         errmsg("cannot change the type of listguard.email column \"%s\"", cmd->name),
                         errdetail("Converting would replace every address with what the converting role may "
                                   "see of it: masks, for most roles."),
                         errhint("To export addresses on purpose, grant a role clear access and have it copy "
                                 "email::text into a new table; backups should use pg_dump, which keeps sealed "
                                 "values.")));
            }
            break;
        }
        case AT_DisableRowSecurity:
            if (prot().is_protected)
                weakening(admin, relid, "disable row-level security");
            break;
        case AT_NoForceRowSecurity:
            if (prot().is_protected)
                weakening(admin, relid, "stop forcing row-level security");
            break;
        case AT_DisableTrigAll:
        case AT_DisableTrigUser:
            if (prot().is_protected)
                weakening(admin, relid, "disable the triggers");
            break;
        case AT_DisableTrig:
        case AT_EnableReplicaTrig:
            if (is_listguard_name(cmd->name) && prot().is_protected)
                weakening(admin, relid, "disable the listguard trigger");
            break;
        case AT_DropColumn:
            if (prot().is_protected && is_scope_column(prot(), cmd->name))
                weakening(admin, relid, "drop the account or list column");
            break;
        default:
            break;
        }
    }
}

void check_rename(RenameStmt* stmt)
{
    bool admin = is_admin(GetUserId());
    switch (stmt->renameType) {
    case OBJECT_COLUMN: {
        Oid relid = relid_of(stmt->relation);
        Protection p = protection_of(relid);
        if (p.is_protected && is_scope_column(p, stmt->subname))
            weakening(admin, relid, "rename the account or list column");
        break;
    }
    case OBJECT_TRIGGER:
    case OBJECT_POLICY: {
        Oid relid = relid_of(stmt->relation);
        if (is_listguard_name(stmt->subname) && protection_of(relid).is_protected)
            weakening(admin, relid,
                      stmt->renameType == OBJECT_TRIGGER ? "rename the listguard trigger" : "rename a listguard policy");
        break;
    }
    default:
        break;
    }
}

void check_drop(DropStmt* stmt)
{
    if (stmt->removeType != OBJECT_POLICY && stmt->removeType != OBJECT_TRIGGER)
        return;
    bool admin = is_admin(GetUserId());
    ListCell* lc;
    foreach (lc, stmt->objects) {
        List* names = static_cast<List*>(lfirst(lc));
        const char* name = strVal(llast(names));
        if (!is_listguard_name(name))
            continue;
        List* table = list_copy_head(names, list_length(names) - 1);
        Oid relid = relid_of(makeRangeVarFromNameList(table));
        if (protection_of(relid).is_protected)
            weakening(admin, relid,
                      stmt->removeType == OBJECT_POLICY ? "drop a listguard policy" : "drop the listguard trigger");
    }
}

void check_alter_policy(AlterPolicyStmt* stmt)
{
    if (!is_listguard_name(stmt->policy_name))
        return;
    Oid relid = relid_of(stmt->table);
    if (protection_of(relid).is_protected)
        weakening(is_admin(GetUserId()), relid, "alter a listguard policy");
}

// A role with listguard grants cannot be dropped, as PostgreSQL refuses to
// drop a role that still holds privileges: revoke its grants first.
void check_drop_role(DropRoleStmt* stmt)
{
    Oid grants = listguard_objects().grants;
    if (!OidIsValid(grants))
        return;
    AttrNumber a_grantee = listguard_column(grants, "grantee");
    ListCell* lc;
    foreach (lc, stmt->roles) {
        auto* spec = static_cast<RoleSpec*>(lfirst(lc));
        if (spec->roletype != ROLESPEC_CSTRING)
            continue;
        Oid role = get_role_oid(spec->rolename, true);
        if (!OidIsValid(role))
            continue;
        int count = 0;
        scan_listguard_table(grants, [&](HeapTuple tuple, TupleDesc desc) {
            bool isnull;
            if (DatumGetObjectId(heap_getattr(tuple, a_grantee, desc, &isnull)) == role)
                count++;
            return true;
        });
        if (count > 0)
            ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                            errmsg("role \"%s\" cannot be dropped because it has listguard grants",
                                   spec->rolename),
                            errdetail("%d grant(s) in listguard.grants of this database.", count),
                            errhint("Revoke them first: SELECT listguard.revoke_access(grant_id) FROM "
                                    "listguard.explain_access('%s') WHERE via_role = '%s'::regrole;",
                                    spec->rolename, spec->rolename)));
    }
}

void guard(Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_AlterTableStmt:
        check_alter_table(castNode(AlterTableStmt, stmt));
        break;
    case T_RenameStmt:
        check_rename(castNode(RenameStmt, stmt));
        break;
    case T_DropStmt:
        check_drop(castNode(DropStmt, stmt));
        break;
    case T_AlterPolicyStmt:
        check_alter_policy(castNode(AlterPolicyStmt, stmt));
        break;
    case T_DropRoleStmt:
        check_drop_role(castNode(DropRoleStmt, stmt));
        break;
    default:
        break;
    }
}

} // namespace

void check_utility(Node* stmt)
{
    if (IsTransactionState() && OidIsValid(listguard_objects().schema))
        guard(stmt);
}

} // namespace listguard::pg
