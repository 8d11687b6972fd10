#include "pg/base/block_update.h"

#include "pg/base/session_settings.h"
#include "pg/base/spi.h"

extern "C" {
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
}

namespace listguard::pg {

int64 update_blocks(const char* table, const char* sets, int64 from, int64 to, const char* condition, Oid as_user,
                    const char* what)
{
    // Block ranges make a TID range scan: one batch reads only its blocks.
    char* sql = psprintf("UPDATE ONLY %s SET %s WHERE ctid OPERATOR(pg_catalog.>=) '(%lld,0)'::pg_catalog.tid "
                         "AND ctid OPERATOR(pg_catalog.<) '(%lld,0)'::pg_catalog.tid AND (%s)",
                         table, sets, static_cast<long long>(from), static_cast<long long>(to), condition);
    Oid saved_user;
    int saved_context;
    GetUserIdAndSecContext(&saved_user, &saved_context);
    int nest_level = pin_settings();
    (void)set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                            false);
    if (OidIsValid(as_user) && as_user != saved_user)
        SetUserIdAndSecContext(as_user, saved_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
    else
        SetUserIdAndSecContext(saved_user, saved_context | SECURITY_RESTRICTED_OPERATION);
    connect_spi();
    if (SPI_execute(sql, false, 0) != SPI_OK_UPDATE)
        elog(ERROR, "could not %s the rows of %s", what, table);
    int64 updated = static_cast<int64>(SPI_processed);
    SPI_finish();
    SetUserIdAndSecContext(saved_user, saved_context);
    AtEOXact_GUC(false, nest_level); // undo whatever the table's code set
    return updated;
}

} // namespace listguard::pg
