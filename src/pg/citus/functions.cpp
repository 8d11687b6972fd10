// The SQL functions of the citus room (src/sql/citus).
#include "pg/base/preload.h"
#include "pg/citus/citus.h"

extern "C" {
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(lg_citus_table);
PG_FUNCTION_INFO_V1(lg_run_on_other_nodes);
}

using namespace listguard::pg;

// listguard._citus_table(tbl) -> boolean
extern "C" Datum lg_citus_table(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(citus_is_table(PG_GETARG_OID(0)));
}

// listguard._run_on_other_nodes(command): as the current user, on every
// other node, in this transaction (Citus checks that the user is a
// superuser).
extern "C" Datum lg_run_on_other_nodes(PG_FUNCTION_ARGS)
{
    require_preload();
    if (!citus_active())
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("Citus is not active in this database")));
    citus_run_on_other_nodes(text_to_cstring(PG_GETARG_TEXT_PP(0)), GetUserNameFromId(GetUserId(), false));
    PG_RETURN_VOID();
}
