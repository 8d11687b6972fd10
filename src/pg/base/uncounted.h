// Keeping listguard's own tables out of the cumulative statistics: every
// role reads pg_stat_all_tables, pg_statio_all_tables and the
// pg_stat_get_*() functions, for every table, and counts that move when a
// canary is planted, or when every backend reloads the registry after it,
// tell a reader the moment (docs/limitations.md#canaries).
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "utils/rel.h"
}

namespace listguard::pg {

// This open of rel counts nothing (scans, tuples, buffers) until the
// relation is opened again.
void stop_counting(Relation rel) noexcept;

// Counts nothing, for any relation or function, until the innermost
// function with a SET clause returns: track_counts = off and
// track_functions = none, saved as that clause's values are.
void count_nothing_locally();

// Function statistics (pg_stat_user_functions, which every role reads when
// track_functions is on) count no call from here until
// resume_counting_functions(the value returned) is called: for the calls
// that plant canaries, whose functions' counts would tell the moment.
int stop_counting_functions();
void resume_counting_functions(int previous);

// Counts n rows inserted into relid, as an INSERT would have, even while
// count_nothing_locally() is in force.
void count_inserted_rows(Oid relid, int64 n);

} // namespace listguard::pg
