#include "pg/base/elevated_call.h"

#include "pg/base/catalog.h"
#include "pg/base/session_settings.h"
#include "pg/base/spi.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

Oid extension_owner()
{
    Oid extension = get_extension_oid("listguard", true);
    if (!OidIsValid(extension))
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("extension \"listguard\" is not installed in this database")));
    Oid owner = extension_row(extension).owner;
    if (!OidIsValid(owner) || !superuser_arg(owner))
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("the owner of extension \"listguard\" is not a superuser"),
                        errdetail("listguard's administration runs as the extension's owner, which must be able to "
                                  "change any protected table."),
                        errhint("Make the owner a superuser again, or reinstall the extension as a superuser.")));
    return owner;
}

namespace {

int depth = 0;

} // namespace

bool running_elevated()
{
    return depth > 0;
}

void run_pinned_spi(void (*fn)(void*), void* arg)
{
    // An abort pops the settings and ends SPI; a caller that catches the
    // error does so in a subtransaction, whose abort does the same.
    int nest_level = pin_settings();
    connect_spi();
    fn(arg);
    SPI_finish();
    // false: whatever the code run here set (set_config() included) is
    // undone, as PostgreSQL does after running index functions.
    AtEOXact_GUC(false, nest_level);
}

void run_elevated(void (*fn)(void*), void* arg)
{
    Oid owner = extension_owner();
    Oid saved_user;
    int saved_context;
    GetUserIdAndSecContext(&saved_user, &saved_context);
    // A transaction or subtransaction abort restores the user (as for
    // SECURITY DEFINER functions); PG_FINALLY restores it for callers that
    // catch the error without one.
    depth++;
    PG_TRY();
    {
        SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
        run_pinned_spi(fn, arg);
    }
    PG_FINALLY();
    {
        SetUserIdAndSecContext(saved_user, saved_context);
        depth--;
    }
    PG_END_TRY();
}

} // namespace listguard::pg
