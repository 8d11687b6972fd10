#include "pg/base/uncounted.h"

extern "C" {
#include "access/table.h"
#include "pgstat.h"
#include "utils/guc.h"
}

namespace listguard::pg {

void stop_counting(Relation rel) noexcept
{
    if (rel->pgstat_info != nullptr)
        pgstat_unlink_relation(rel);
    rel->pgstat_enabled = false;
}

void count_nothing_locally()
{
    // As a superuser would set it (track_counts is PGC_SUSET), saved like a
    // function's SET clause: undone when the innermost function with a SET
    // clause (the calling one) returns, or at abort.
    (void)set_config_option("track_counts", "off", PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
    (void)set_config_option("track_functions", "none", PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

int stop_counting_functions()
{
    int previous = pgstat_track_functions;
    pgstat_track_functions = TRACK_FUNC_OFF;
    return previous;
}

void resume_counting_functions(int previous)
{
    pgstat_track_functions = previous;
}

void count_inserted_rows(Oid relid, int64 n)
{
    bool counting = pgstat_track_counts;
    // Opened while counting, so that the open associates its statistics.
    pgstat_track_counts = true;
    PG_TRY();
    {
        Relation rel = table_open(relid, AccessShareLock);
        pgstat_count_heap_insert(rel, n);
        table_close(rel, AccessShareLock);
    }
    PG_FINALLY();
    {
        pgstat_track_counts = counting;
    }
    PG_END_TRY();
}

} // namespace listguard::pg
