#include "pg/access/roles.h"

#include "pg/access/role_labels.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_auth_members.h"
#include "catalog/pg_authid.h"
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

} // namespace listguard::pg
