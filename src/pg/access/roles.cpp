#include "pg/access/roles.h"

#include "pg/access/role_labels.h"
#include "pg/audit/events.h"
#include "pg/base/array_elements.h"
#include "pg/base/catalog.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_auth_members.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_db_role_setting.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "nodes/pg_list.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

bool inherits(Oid role)
{
    HeapTuple tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(role));
    if (!HeapTupleIsValid(tuple))
        return false;
    bool result = reinterpret_cast<Form_pg_authid>(GETSTRUCT(tuple))->rolinherit;
    ReleaseSysCache(tuple);
    return result;
}

enum class Along {
    Groups,  // the roles it belongs to
    Members, // the roles that belong to it
};

// Breadth-first from `start` along memberships: the first role `match`
// accepts, start included, or InvalidOid. With `inheriting_only`, a role
// that does not inherit passes nothing on (privileges flow that way).
// A role `avoid` accepts is neither matched nor passed through.
template <typename Match, typename Avoid>
Oid first_related_role(Oid start, Along along, bool inheriting_only, Match&& match, Avoid&& avoid)
{
    List* seen = list_make1_oid(start);
    Oid found = InvalidOid;
    for (int i = 0; i < list_length(seen) && !OidIsValid(found); i++) {
        Oid r = list_nth_oid(seen, i);
        if (avoid(r))
            continue;
        if (match(r)) {
            found = r;
            break;
        }
        if (inheriting_only && !inherits(r))
            continue;
        CatCList* links =
            SearchSysCacheList1(along == Along::Groups ? AUTHMEMMEMROLE : AUTHMEMROLEMEM, ObjectIdGetDatum(r));
        for (int j = 0; j < links->n_members; j++) {
            auto* link = reinterpret_cast<Form_pg_auth_members>(GETSTRUCT(&links->members[j]->tuple));
            seen = list_append_unique_oid(seen, along == Along::Groups ? link->roleid : link->member);
        }
        ReleaseSysCacheList(links);
    }
    list_free(seen);
    return found;
}

template <typename Match>
Oid first_related_role(Oid start, Along along, bool inheriting_only, Match&& match)
{
    return first_related_role(start, along, inheriting_only, match, [](Oid) { return false; });
}

} // namespace

bool role_receives_grants_of(Oid member, Oid grantee)
{
    return OidIsValid(first_related_role(member, Along::Groups, true, [&](Oid r) { return r == grantee; }));
}

bool role_receives_grants_of_avoiding(Oid member, Oid grantee, const Oid* avoid, int count)
{
    return OidIsValid(first_related_role(
        member, Along::Groups, true, [&](Oid r) { return r == grantee; },
        [&](Oid r) {
            for (int i = 0; i < count; i++)
                if (avoid[i] == r)
                    return true;
            return false;
        }));
}

Oid listguard_power_of(Oid role)
{
    static const char* const kPowerful[] = {kAdminRole,
                                            kOwnerRole,
                                            kApproverRole,
                                            kStandbyRole,
                                            kMonitorRole,
                                            kBackupRole,
                                            "pg_write_all_data",    // listguard's tables around its functions
                                            "pg_read_all_data",     // the grants and the audit log
                                            "pg_read_all_stats",    // others' running statements, literals included
                                            "pg_monitor",           // holds pg_read_all_stats
                                            "pg_read_all_settings", // a standby's primary_conninfo, key_command
                                            "pg_signal_backend",    // ends the standby links' sessions
                                            "pg_read_server_files", // the key file
                                            "pg_write_server_files",
                                            "pg_execute_server_program"};
    Oid powerful[lengthof(kPowerful)];
    for (size_t i = 0; i < lengthof(kPowerful); i++)
        powerful[i] = get_role_oid(kPowerful[i], true);

    // Every role that role belongs to, inheriting or not (a member may SET ROLE).
    return first_related_role(role, Along::Groups, false, [&](Oid r) {
        for (Oid p : powerful)
            if (OidIsValid(p) && r == p)
                return true;
        return role_label(r) != nullptr;
    });
}

Oid owner_role()
{
    return get_role_oid(kOwnerRole, true);
}

Oid backup_role()
{
    return get_role_oid(kBackupRole, true);
}

bool belongs_to_a_grantee(Oid role)
{
    return OidIsValid(first_related_role(role, Along::Groups, false, [](Oid r) {
        const char* label = role_label(r);
        return label != nullptr && strcmp(label, kGranteeLabel) == 0;
    }));
}

bool is_admin(Oid role)
{
    if (superuser_arg(role))
        return true;
    Oid admin = admin_role();
    return OidIsValid(admin) && has_privs_of_role(role, admin);
}

void require_admin(const char* function)
{
    if (is_admin(GetUserId()))
        return;
    record_event(EventKind::Denied, psprintf("{\"reason\": \"not an admin\", \"action\": %s}",
                                             json_string(psprintf("call %s", function))));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied for function %s", function),
                    errdetail("Only superusers and members of listguard_admin may manage listguard."),
                    errhint("An administrator can run: GRANT listguard_admin TO %s;",
                            quote_identifier(GetUserNameFromId(GetUserId(), false)))));
}

bool is_monitor(Oid role)
{
    if (is_admin(role))
        return true;
    Oid monitor = get_role_oid(kMonitorRole, true);
    return (OidIsValid(monitor) && has_privs_of_role(role, monitor)) || has_privs_of_role(role, ROLE_PG_MONITOR);
}

void require_monitor(const char* view)
{
    if (is_monitor(GetUserId()))
        return;
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"not a monitor\", \"action\": %s}", json_string(psprintf("read %s", view))));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied for view %s", view),
                    errdetail("Only superusers and members of listguard_admin, listguard_monitor or pg_monitor may "
                              "read listguard's metrics and progress."),
                    errhint("An administrator can run: GRANT listguard_monitor TO %s;",
                            quote_identifier(GetUserNameFromId(GetUserId(), false)))));
}

const char* guarded_setting(const char* name)
{
    static const char* const kGuarded[] = {"search_path", "row_security", "role", "session_authorization"};
    if (name == nullptr)
        return nullptr;
    for (const char* guarded : kGuarded)
        if (pg_strcasecmp(name, guarded) == 0)
            return guarded;
    return nullptr;
}

bool stored_guarded_setting(Oid role, Oid database, bool any_database, StoredSetting* found)
{
    ScanKeyData keys[2];
    int nkeys = 0;
    ScanKeyInit(&keys[nkeys++], Anum_pg_db_role_setting_setrole, BTEqualStrategyNumber, F_OIDEQ,
                ObjectIdGetDatum(role));
    if (!any_database)
        ScanKeyInit(&keys[nkeys++], Anum_pg_db_role_setting_setdatabase, BTEqualStrategyNumber, F_OIDEQ,
                    ObjectIdGetDatum(database));
    Relation rel = table_open(DbRoleSettingRelationId, AccessShareLock);
    SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, nkeys, keys);
    HeapTuple tuple;
    bool result = false;
    while (!result && HeapTupleIsValid(tuple = systable_getnext(scan))) {
        bool isnull;
        Datum config = heap_getattr(tuple, Anum_pg_db_role_setting_setconfig, RelationGetDescr(rel), &isnull);
        if (isnull)
            continue;
        ArrayElements items = array_elements(config, TEXTOID);
        for (int i = 0; i < items.count && !result; i++) {
            if (items.nulls[i])
                continue;
            char* item = TextDatumGetCString(items.values[i]); // name=value
            char* equals = strchr(item, '=');
            if (equals != nullptr)
                *equals = '\0';
            const char* name = guarded_setting(item);
            if (name != nullptr) {
                found->database = DatumGetObjectId(
                    heap_getattr(tuple, Anum_pg_db_role_setting_setdatabase, RelationGetDescr(rel), &isnull));
                found->role = role;
                found->name = name;
                result = true;
            }
        }
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return result;
}

bool receiver_with_guarded_setting(Oid role, StoredSetting* found)
{
    // Down through the members.
    return OidIsValid(first_related_role(role, Along::Members, false, [&](Oid r) {
        return !OidIsValid(listguard_power_of(r)) && stored_guarded_setting(r, InvalidOid, true, found);
    }));
}

} // namespace listguard::pg
