// Planting without a trace in the statistics: plan_canaries(),
// plant_canaries(), plant_due_canaries() and add_canary_addresses() count
// nothing in pg_stat_*_tables (which every role reads), and count the canary
// row they insert as an INSERT would (a signup moves the same counts).
#include "pg/base/uncounted.h"

extern "C" {
#include "fmgr.h"

PG_FUNCTION_INFO_V1(lg_quiet_planting);
PG_FUNCTION_INFO_V1(lg_count_planted_row);
}

namespace listguard::pg {

extern "C" Datum lg_quiet_planting(PG_FUNCTION_ARGS)
{
    count_nothing_locally();
    PG_RETURN_VOID();
}

extern "C" Datum lg_count_planted_row(PG_FUNCTION_ARGS)
{
    count_inserted_rows(PG_GETARG_OID(0), 1);
    PG_RETURN_VOID();
}

} // namespace listguard::pg
