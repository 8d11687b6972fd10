#include "pg/access/role_guard.h"

#include "pg/access/role_labels.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
}

namespace listguard::pg {

namespace {

bool reserved_name(const char* name)
{
    return name != nullptr && strncmp(name, "listguard_", 10) == 0;
}

bool created_by_listguard(Oid role)
{
    const char* label = role_label(role);
    return label != nullptr && strcmp(label, kCreatedRoleLabel) == 0;
}

Oid role_of(const RoleSpec* spec)
{
    if (spec == nullptr)
        return InvalidOid;
    switch (spec->roletype) {
    case ROLESPEC_CSTRING:
        return get_role_oid(spec->rolename, true);
    case ROLESPEC_CURRENT_ROLE:
    case ROLESPEC_CURRENT_USER:
        return GetUserId();
    case ROLESPEC_SESSION_USER:
        return GetSessionUserId();
    case ROLESPEC_PUBLIC:
        break;
    }
    return InvalidOid;
}

const char* name_of(Oid role)
{
    const char* name = GetUserNameFromId(role, true);
    return name ? name : "?";
}

[[noreturn]] void refuse(const char* action, Oid role, Oid because)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"listguard role\", \"action\": %s, \"role\": %s}",
                                             json_string(action), json_string(name_of(role))));
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("permission denied to %s role \"%s\"", action, name_of(role)),
             because == role
                 ? errdetail("Role \"%s\" carries listguard power: only superusers and members of listguard_admin "
                             "may change it or who belongs to it.",
                             name_of(role))
                 : errdetail("Role \"%s\" belongs to \"%s\", which carries listguard power: only superusers and "
                             "members of listguard_admin may change it or who belongs to it.",
                             name_of(role), name_of(because)),
             errhint("Ask a listguard administrator; the change is recorded in the audit trail.")));
    pg_unreachable();
}

[[noreturn]] void refuse_reserved(const char* action, const char* name)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"listguard role\", \"action\": %s, \"role\": %s}",
                                             json_string(action), json_string(name)));
    ereport(ERROR, (errcode(ERRCODE_RESERVED_NAME), errmsg("permission denied to %s role \"%s\"", action, name),
                    errdetail("Role names beginning with \"listguard_\" are reserved for listguard's own roles, "
                              "which only superusers may create, rename or drop.")));
    pg_unreachable();
}

// An admin's change to a powerful role is allowed, and recorded.
void guard_role(const char* action, Oid role, bool admin)
{
    if (!OidIsValid(role))
        return;
    Oid because = listguard_power_of(role);
    if (!OidIsValid(because))
        return;
    if (!admin)
        refuse(action, role, because);
    record_event(EventKind::RoleChanged,
                 psprintf("{\"action\": %s, \"role\": %s}", json_string(action), json_string(name_of(role))));
}

// A backup login reads every row sealed and can tell canaries apart: it may
// not also hold grants (through any role it belongs to), nor may a role
// holding grants become a backup login. Admins included: this is no matter
// of rank.
void refuse_backup_with_grants(Oid granted, Oid member)
{
    Oid backup = backup_role();
    if (!OidIsValid(backup) || !OidIsValid(granted) || !OidIsValid(member) || superuser_arg(member))
        return;
    bool granted_is_backup = is_member_of_role_nosuper(granted, backup);
    bool member_is_backup = is_member_of_role_nosuper(member, backup);
    if ((granted_is_backup && belongs_to_a_grantee(member)) || (member_is_backup && belongs_to_a_grantee(granted))) {
        record_event(EventKind::Denied, psprintf("{\"reason\": \"backup with grants\", \"role\": %s, \"member\": %s}",
                                                 json_string(name_of(granted)), json_string(name_of(member))));
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("role \"%s\" cannot both back up and hold listguard grants", name_of(member)),
                        errdetail("A member of listguard_backup reads every row sealed and can tell canaries apart; "
                                  "a role that also reads addresses could export around them."),
                        errhint("Use a separate login for backups, with no listguard grants.")));
    }
}

void check_grant_role(GrantRoleStmt* stmt, bool admin)
{
    ListCell* lc;
    foreach (lc, stmt->granted_roles) {
        auto* priv = static_cast<AccessPriv*>(lfirst(lc));
        if (priv->priv_name == nullptr)
            continue;
        Oid granted = get_role_oid(priv->priv_name, true);
        guard_role(stmt->is_grant ? "grant" : "revoke", granted, admin);
        if (!stmt->is_grant)
            continue;
        ListCell* m;
        foreach (m, stmt->grantee_roles)
            refuse_backup_with_grants(granted, role_of(static_cast<RoleSpec*>(lfirst(m))));
    }
}

void check_create_role(CreateRoleStmt* stmt, bool admin)
{
    if (reserved_name(stmt->role) && !superuser())
        refuse_reserved("create", stmt->role);
    ListCell* lc;
    foreach (lc, stmt->options) {
        auto* option = static_cast<DefElem*>(lfirst(lc));
        if (strcmp(option->defname, "addroleto") != 0) // IN ROLE / IN GROUP: the new role joins these
            continue;
        ListCell* rc;
        foreach (rc, castNode(List, option->arg))
            guard_role("add a new role to", role_of(static_cast<RoleSpec*>(lfirst(rc))), admin);
        // The new role joins all of them: a backup login and a grantee at once?
        Oid backup = backup_role();
        bool joins_backup = false, joins_grantee = false;
        foreach (rc, castNode(List, option->arg)) {
            Oid joined = role_of(static_cast<RoleSpec*>(lfirst(rc)));
            if (!OidIsValid(joined))
                continue;
            joins_backup = joins_backup || (OidIsValid(backup) && is_member_of_role_nosuper(joined, backup));
            joins_grantee = joins_grantee || belongs_to_a_grantee(joined);
        }
        if (joins_backup && joins_grantee)
            ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                            errmsg("role \"%s\" cannot both back up and hold listguard grants", stmt->role),
                            errdetail("A member of listguard_backup reads every row sealed and can tell canaries "
                                      "apart; a role that also reads addresses could export around them."),
                            errhint("Use a separate login for backups, with no listguard grants.")));
    }
}

// A role may change its own password, as PostgreSQL allows; anything else
// about a powerful role is for admins.
void check_alter_role(AlterRoleStmt* stmt, bool admin)
{
    Oid role = role_of(stmt->role);
    if (!OidIsValid(role))
        return;
    bool own_password_only = role == GetUserId() && list_length(stmt->options) == 1 &&
                             strcmp(static_cast<DefElem*>(linitial(stmt->options))->defname, "password") == 0;
    if (!own_password_only)
        guard_role("alter", role, admin);
}

void check_rename_role(RenameStmt* stmt, bool admin)
{
    Oid role = get_role_oid(stmt->subname, true);
    if (!superuser() && ((OidIsValid(role) && created_by_listguard(role)) || reserved_name(stmt->newname)))
        refuse_reserved("rename", OidIsValid(role) && created_by_listguard(role) ? stmt->subname : stmt->newname);
    guard_role("rename", role, admin);
}

// A role with listguard grants cannot be dropped, as PostgreSQL refuses to
// drop a role that still holds privileges: revoke its grants first.
void check_drop_role_grants(DropRoleStmt* stmt)
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
                            errmsg("role \"%s\" cannot be dropped because it has listguard grants", spec->rolename),
                            errdetail("%d grant(s) in listguard.grants of this database.", count),
                            errhint("Revoke them first: SELECT listguard.revoke_access(grant_id) FROM "
                                    "listguard.explain_access('%s') WHERE via_role = '%s'::regrole;",
                                    spec->rolename, spec->rolename)));
    }
}

void check_drop_roles(DropRoleStmt* stmt, bool admin)
{
    check_drop_role_grants(stmt);
    ListCell* lc;
    foreach (lc, stmt->roles) {
        Oid role = role_of(static_cast<RoleSpec*>(lfirst(lc)));
        if (!OidIsValid(role))
            continue;
        if (created_by_listguard(role) && !superuser())
            refuse_reserved("drop", name_of(role));
        guard_role("drop", role, admin);
    }
}

// A database's defaults reach every session that does not set its own,
// including those of roles with clear grants and of administrators: its
// search_path (which functions and operators their statements find),
// row_security (off makes every read of a protected table fail), and role
// and session_authorization (whom a session starts as, and so whom the
// audit trail names). PostgreSQL matches setting names in any letter case.
const char* guarded_database_setting(const char* name)
{
    static const char* const kGuarded[] = {"search_path", "row_security", "role", "session_authorization"};
    if (name == nullptr)
        return nullptr;
    for (const char* guarded : kGuarded)
        if (pg_strcasecmp(name, guarded) == 0)
            return guarded;
    return nullptr;
}

void check_alter_database_set(AlterDatabaseSetStmt* stmt, bool admin)
{
    VariableSetStmt* set = stmt->setstmt;
    const char* name = set != nullptr ? guarded_database_setting(set->name) : nullptr;
    if (admin || name == nullptr)
        return;
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"listguard role\", \"action\": \"set a database %s\"}", name));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to set parameter \"%s\" of database \"%s\"", name, stmt->dbname),
                    errdetail("A database's settings reach the sessions of roles that may read addresses and of "
                              "administrators; with listguard loaded, only superusers and members of "
                              "listguard_admin may set %s there.",
                              name),
                    errhint("Set it per role or per session instead.")));
}

} // namespace

void check_role_statement(Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_GrantRoleStmt:
    case T_CreateRoleStmt:
    case T_AlterRoleStmt:
    case T_AlterRoleSetStmt:
    case T_DropRoleStmt:
    case T_AlterDatabaseSetStmt:
        break;
    case T_RenameStmt:
        if (castNode(RenameStmt, stmt)->renameType == OBJECT_ROLE)
            break;
        return;
    default:
        return;
    }
    if (!IsTransactionState())
        return;
    bool admin = is_admin(GetUserId());
    switch (nodeTag(stmt)) {
    case T_GrantRoleStmt:
        check_grant_role(castNode(GrantRoleStmt, stmt), admin);
        break;
    case T_CreateRoleStmt:
        check_create_role(castNode(CreateRoleStmt, stmt), admin);
        break;
    case T_AlterRoleStmt:
        check_alter_role(castNode(AlterRoleStmt, stmt), admin);
        break;
    case T_AlterRoleSetStmt: {
        auto* set = castNode(AlterRoleSetStmt, stmt);
        guard_role("change the settings of", role_of(set->role), admin);
        break;
    }
    case T_RenameStmt:
        check_rename_role(castNode(RenameStmt, stmt), admin);
        break;
    case T_DropRoleStmt:
        check_drop_roles(castNode(DropRoleStmt, stmt), admin);
        break;
    case T_AlterDatabaseSetStmt:
        check_alter_database_set(castNode(AlterDatabaseSetStmt, stmt), admin);
        break;
    default:
        break;
    }
}

} // namespace listguard::pg
