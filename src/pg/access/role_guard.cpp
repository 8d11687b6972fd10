#include "pg/access/role_guard.h"

#include "pg/access/role_labels.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "commands/dbcommands.h"
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
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied for role \"%s\"", name_of(role)),
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
    ereport(ERROR, (errcode(ERRCODE_RESERVED_NAME), errmsg("permission denied for role \"%s\"", name),
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
        if (!stmt->is_grant || !OidIsValid(granted))
            continue;
        ListCell* gc;
        foreach (gc, stmt->grantee_roles) {
            Oid member = role_of(static_cast<RoleSpec*>(lfirst(gc)));
            // A role with listguard power (the backup login, an admin's or a
            // monitor's login) put into a group takes on what the group is
            // given later: changing what it belongs to is changing it.
            guard_role("add to a group", member, admin);
            refuse_backup_with_grants(granted, member);
            // The new members (and theirs) gain listguard power with their
            // membership: settings a non-admin stored for them before must
            // not come along (check_receiver_settings()).
            if (OidIsValid(member) && OidIsValid(listguard_power_of(granted)))
                check_receiver_settings(member, psprintf("membership in \"%s\"", priv->priv_name));
        }
    }
}

void check_create_role(CreateRoleStmt* stmt, bool admin)
{
    if (reserved_name(stmt->role) && !superuser())
        refuse_reserved("create", stmt->role);
    ListCell* lc;
    foreach (lc, stmt->options) {
        auto* option = static_cast<DefElem*>(lfirst(lc));
        // ROLE / ADMIN: these join the new role, as GRANT new TO them would.
        if (strcmp(option->defname, "rolemembers") == 0 || strcmp(option->defname, "adminmembers") == 0) {
            ListCell* mc;
            foreach (mc, castNode(List, option->arg))
                guard_role("add to a group", role_of(static_cast<RoleSpec*>(lfirst(mc))), admin);
            continue;
        }
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
// audit trail names). PostgreSQL writes them for ALTER DATABASE ... SET and
// for ALTER ROLE ALL IN DATABASE ... SET alike (the same row of
// pg_db_role_setting, the same owner check), and ALTER ROLE ALL SET (every
// database; superusers only) likewise; RESET ALL removes whatever is there.
// Only admins may write guarded names there, in any spelling.
void check_default_setting(const VariableSetStmt* set, const char* dbname, bool admin)
{
    if (admin || set == nullptr)
        return;
    const char* name = nullptr;
    bool reset_all = set->kind == VAR_RESET_ALL;
    if (reset_all) {
        // Removes every setting of the database (or of all roles): refused
        // if a guarded one is among them.
        Oid database = dbname != nullptr ? get_database_oid(dbname, true) : InvalidOid;
        StoredSetting stored;
        if ((dbname == nullptr || OidIsValid(database)) && stored_guarded_setting(InvalidOid, database, false, &stored))
            name = stored.name;
    } else {
        name = guarded_setting(set->name);
    }
    if (name == nullptr)
        return;
    record_event(EventKind::Denied, psprintf("{\"reason\": \"listguard role\", \"action\": \"%s a database %s\"}",
                                             reset_all ? "reset" : "set", name));
    const char* scope = dbname != nullptr ? psprintf("of database \"%s\"", dbname) : "for every role";
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    reset_all ? errmsg("permission denied to reset every setting %s", scope)
                              : errmsg("permission denied to set parameter \"%s\" %s", name, scope),
                    errdetail("%s reach the sessions of roles that may read addresses and of administrators; with "
                              "listguard loaded, only superusers and members of listguard_admin may set or reset %s "
                              "there%s.",
                              dbname != nullptr ? "A database's settings" : "Settings for every role", name,
                              reset_all ? ", and it is among them" : ""),
                    reset_all ? errhint("Reset the other settings one by one.")
                              : errhint("Set it per role or per session instead.")));
}

void check_alter_database_set(AlterDatabaseSetStmt* stmt, bool admin)
{
    check_default_setting(stmt->setstmt, stmt->dbname, admin);
}

// ALTER ROLE (or USER) r [IN DATABASE d] SET: r's own settings, guarded
// like anything else about a role that carries listguard power. ALTER ROLE
// ALL ... SET: the database's (or every database's) defaults, above.
void check_alter_role_set(AlterRoleSetStmt* stmt, bool admin)
{
    if (stmt->role != nullptr) {
        guard_role("change the settings of", role_of(stmt->role), admin);
        return;
    }
    check_default_setting(stmt->setstmt, stmt->database, admin);
}

} // namespace

void check_receiver_settings(Oid role, const char* what)
{
    StoredSetting stored;
    if (!receiver_with_guarded_setting(role, &stored))
        return;
    const char* holder = name_of(stored.role);
    const char* where = OidIsValid(stored.database) ? get_database_name(stored.database) : nullptr;
    const char* scope = where != nullptr ? psprintf("in database %s", quote_identifier(where)) : "in every database";
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"role setting\", \"role\": %s, \"holder\": %s, \"setting\": %s, "
                          "\"database\": %s}",
                          json_string(name_of(role)), json_string(holder), json_string(stored.name),
                          where != nullptr ? json_string(where) : "null"));
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("role \"%s\" has a stored %s setting that no administrator checked", holder, stored.name),
             stored.role == role
                 ? errdetail("The role would receive %s. Its %s %s was stored while no listguard power guarded the "
                             "role, perhaps by a role that is not an administrator, and decides what its sessions "
                             "run.",
                             what, stored.name, scope)
                 : errdetail("It belongs to \"%s\", which would receive %s. Its %s %s was stored while no listguard "
                             "power guarded it, perhaps by a role that is not an administrator, and decides what its "
                             "sessions run.",
                             name_of(role), what, stored.name, scope),
             errhint("An administrator can remove it (ALTER ROLE %s%s%s RESET %s) and set it again afterwards: from "
                     "then on only administrators may change it.",
                     quote_identifier(holder), where != nullptr ? " IN DATABASE " : "",
                     where != nullptr ? quote_identifier(where) : "", stored.name)));
}

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
    case T_AlterRoleSetStmt:
        check_alter_role_set(castNode(AlterRoleSetStmt, stmt), admin);
        break;
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
