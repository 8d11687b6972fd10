// listguard's shared memory: the export-quota counters and the audit event
// queue, requested and attached through one pair of hooks (chained to the
// previous ones, for pg_stat_statements and friends).
#pragma once

namespace listguard::pg {

// Called from _PG_init.
void install_shared_memory();

} // namespace listguard::pg
