// The SQL functions of the citus room (src/sql/citus).
#include "pg/base/preload.h"
#include "pg/citus/citus.h"

extern "C" {
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(lg_citus_table);
}

using namespace listguard::pg;

// listguard._citus_table(tbl) -> boolean
extern "C" Datum lg_citus_table(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(citus_is_table(PG_GETARG_OID(0)));
}
