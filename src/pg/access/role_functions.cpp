// SQL functions about listguard's roles: creating them at CREATE EXTENSION
// (never silently adopting a role someone else made), marking grantees, and
// the test of trusted owners that protect() uses.
#include <initializer_list>

#include "pg/access/role_guard.h"
#include "pg/access/role_labels.h"
#include "pg/access/roles.h"
#include "pg/base/preload.h"
#include "pg/base/settings.h"
#include "pg/base/spi.h"

extern "C" {
#include "executor/spi.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"

PG_FUNCTION_INFO_V1(lg_setup_roles);
PG_FUNCTION_INFO_V1(lg_mark_grantee);
PG_FUNCTION_INFO_V1(lg_is_trusted_owner);
PG_FUNCTION_INFO_V1(lg_check_role_settings);
}

using namespace listguard::pg;

namespace {

void run(const char* sql)
{
    if (SPI_execute(sql, false, 0) < 0)
        elog(ERROR, "listguard could not run: %s", sql);
}

// A role listguard needs: created and marked if missing; if it exists, it
// must carry listguard's mark, or the caller must have said to adopt it (a
// role made by someone else may already have members).
void claim(const char* name, bool adopt)
{
    Oid role = get_role_oid(name, true);
    if (!OidIsValid(role)) {
        run(psprintf("CREATE ROLE %s NOLOGIN", quote_identifier(name)));
        CommandCounterIncrement();
        role = get_role_oid(name, false);
    } else {
        const char* label = role_label(role);
        if ((label == nullptr || strcmp(label, kCreatedRoleLabel) != 0) && !adopt)
            ereport(ERROR,
                    (errcode(ERRCODE_DUPLICATE_OBJECT),
                     errmsg("role \"%s\" already exists and was not created by listguard", name),
                     errdetail("Its members would become %s without anyone having said so.",
                               strcmp(name, kAdminRole) == 0     ? "listguard administrators"
                               : strcmp(name, kOwnerRole) == 0   ? "owners of every protected table"
                               : strcmp(name, kMonitorRole) == 0 ? "readers of listguard's metrics"
                               : strcmp(name, kStandbyRole) == 0 ? "standby links"
                               : strcmp(name, kBackupRole) == 0  ? "readers of every protected row, in dumps"
                                                                 : "approvers of access requests"),
                     errhint("Check who belongs to it (\\du %s). To adopt it, SET listguard.adopt_existing_roles = "
                             "on and create the extension again; or drop or rename the role first.",
                             name)));
    }
    label_role(role, kCreatedRoleLabel);
}

} // namespace

// listguard._setup_roles(adopt boolean): listguard_admin, listguard_owner
// (which owns protected tables; admins belong to it so that they may change
// them; its search_path is pg_catalog, pg_temp), listguard_approver,
// listguard_standby, listguard_backup and listguard_monitor.
extern "C" Datum lg_setup_roles(PG_FUNCTION_ARGS)
{
    require_preload();
    bool adopt = PG_GETARG_BOOL(0) || adopt_existing_roles_setting;
    connect_spi();
    for (const char* name : {kAdminRole, kOwnerRole, kApproverRole, kStandbyRole, kBackupRole, kMonitorRole})
        claim(name, adopt);
    Oid admin = get_role_oid(kAdminRole, false);
    Oid owner = get_role_oid(kOwnerRole, false);
    if (!is_member_of_role_nosuper(admin, owner))
        run(psprintf("GRANT %s TO %s", quote_identifier(kOwnerRole), quote_identifier(kAdminRole)));
    // listguard_owner's sessions find functions in pg_catalog only: Citus
    // logs in as a table's owner and calls its worker functions unqualified,
    // so with the default search_path a schema named listguard_owner (or
    // public) holding a function of the same name would run in that proven
    // session instead (attacks 108, 109). Every node runs this: Citus
    // propagates CREATE EXTENSION, also to nodes added later.
    run(psprintf("ALTER ROLE %s SET search_path = pg_catalog, pg_temp", quote_identifier(kOwnerRole)));
    SPI_finish();
    PG_RETURN_VOID();
}

// listguard._mark_grantee(role): the role holds listguard grants, which every
// database must know (role_guard.h).
extern "C" Datum lg_mark_grantee(PG_FUNCTION_ARGS)
{
    require_preload();
    label_role(PG_GETARG_OID(0), kGranteeLabel);
    PG_RETURN_VOID();
}

// listguard._is_trusted_owner(role): may code this role owns run around a
// protected table? Superusers, admins, and listguard_owner.
extern "C" Datum lg_is_trusted_owner(PG_FUNCTION_ARGS)
{
    require_preload();
    Oid role = PG_GETARG_OID(0);
    Oid owner = owner_role();
    PG_RETURN_BOOL(is_admin(role) || (OidIsValid(owner) && has_privs_of_role(role, owner)));
}

// listguard._check_role_settings(grantee): before a grant is made (or an
// access request opened), refuses a grantee that holds, or has a member
// that holds, a stored setting that decides what its sessions run
// (role_guard.h).
extern "C" Datum lg_check_role_settings(PG_FUNCTION_ARGS)
{
    require_preload();
    check_receiver_settings(PG_GETARG_OID(0), "a listguard grant");
    PG_RETURN_VOID();
}
