#include "pg/access/roles.h"

#include "pg/access/role_labels.h"
#include "pg/audit/events.h"
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

} // namespace

bool role_receives_grants_of(Oid member, Oid grantee)
{
    if (member == grantee)
        return true;
    // Breadth-first through the roles whose privileges member has.
    List* seen = list_make1_oid(member);
    bool found = false;
    for (int i = 0; i < list_length(seen) && !found; i++) {
        Oid role = list_nth_oid(seen, i);
        if (!inherits(role))
            continue;
        CatCList* memberships = SearchSysCacheList1(AUTHMEMMEMROLE, ObjectIdGetDatum(role));
        for (int j = 0; j < memberships->n_members; j++) {
            HeapTuple tuple = &memberships->members[j]->tuple;
            Oid group = reinterpret_cast<Form_pg_auth_members>(GETSTRUCT(tuple))->roleid;
            if (group == grantee)
                found = true;
            seen = list_append_unique_oid(seen, group);
        }
        ReleaseSysCacheList(memberships);
    }
    list_free(seen);
    return found;
}

Oid listguard_power_of(Oid role)
{
    static const char* const kPowerful[] = {kAdminRole,
                                            kOwnerRole,
                                            kApproverRole,
                                            kStandbyRole,
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

    // Breadth-first through every role that role belongs to.
    List* seen = list_make1_oid(role);
    Oid found = InvalidOid;
    for (int i = 0; i < list_length(seen) && !OidIsValid(found); i++) {
        Oid r = list_nth_oid(seen, i);
        for (Oid p : powerful)
            if (OidIsValid(p) && r == p)
                found = r;
        if (!OidIsValid(found) && role_label(r) != nullptr)
            found = r;
        CatCList* memberships = SearchSysCacheList1(AUTHMEMMEMROLE, ObjectIdGetDatum(r));
        for (int j = 0; j < memberships->n_members; j++) {
            HeapTuple tuple = &memberships->members[j]->tuple;
            seen = list_append_unique_oid(seen, reinterpret_cast<Form_pg_auth_members>(GETSTRUCT(tuple))->roleid);
        }
        ReleaseSysCacheList(memberships);
    }
    list_free(seen);
    return found;
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
    List* seen = list_make1_oid(role);
    bool found = false;
    for (int i = 0; i < list_length(seen) && !found; i++) {
        Oid r = list_nth_oid(seen, i);
        const char* label = role_label(r);
        found = label != nullptr && strcmp(label, kGranteeLabel) == 0;
        CatCList* memberships = SearchSysCacheList1(AUTHMEMMEMROLE, ObjectIdGetDatum(r));
        for (int j = 0; j < memberships->n_members; j++) {
            HeapTuple tuple = &memberships->members[j]->tuple;
            seen = list_append_unique_oid(seen, reinterpret_cast<Form_pg_auth_members>(GETSTRUCT(tuple))->roleid);
        }
        ReleaseSysCacheList(memberships);
    }
    list_free(seen);
    return found;
}

bool is_admin(Oid role)
{
    if (superuser_arg(role))
        return true;
    Oid admin = admin_role();
    return OidIsValid(admin) && has_privs_of_role(role, admin);
}

void require_admin(const char* action)
{
    if (is_admin(GetUserId()))
        return;
    record_event(EventKind::Denied, psprintf("{\"reason\": \"not an admin\", \"action\": %s}", json_string(action)));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to %s", action),
                    errdetail("Only superusers and members of listguard_admin may manage listguard."),
                    errhint("An administrator can run: GRANT listguard_admin TO %s;",
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
        Datum* items;
        bool* item_nulls;
        int count;
        deconstruct_array(DatumGetArrayTypeP(config), TEXTOID, -1, false, TYPALIGN_INT, &items, &item_nulls, &count);
        for (int i = 0; i < count && !result; i++) {
            if (item_nulls[i])
                continue;
            char* item = TextDatumGetCString(items[i]); // name=value
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
    // Breadth-first down through the members.
    List* seen = list_make1_oid(role);
    bool result = false;
    for (int i = 0; i < list_length(seen) && !result; i++) {
        Oid r = list_nth_oid(seen, i);
        if (!OidIsValid(listguard_power_of(r)) && stored_guarded_setting(r, InvalidOid, true, found))
            result = true;
        CatCList* members = SearchSysCacheList1(AUTHMEMROLEMEM, ObjectIdGetDatum(r));
        for (int j = 0; j < members->n_members; j++) {
            HeapTuple tuple = &members->members[j]->tuple;
            seen = list_append_unique_oid(seen, reinterpret_cast<Form_pg_auth_members>(GETSTRUCT(tuple))->member);
        }
        ReleaseSysCacheList(members);
    }
    list_free(seen);
    return result;
}

} // namespace listguard::pg
