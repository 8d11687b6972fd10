// Export-quota counters in shared memory: one slot per (database, grant),
// shared by every session and parallel worker of the server. Saved to
// pg_listguard/quota.state at shutdown and, for crash safety, by the
// listguard housekeeper background worker every listguard.quota_save_interval;
// loaded back whenever shared memory is (re)initialised.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/quota/window.h"

namespace listguard::pg {

// Shared memory (see shared_memory.h): its size; attaching (with
// AddinShmemInitLock held), true if it was just created; and, in the
// postmaster, loading saved counters and saving them at shutdown.
Size quota_shared_size();
bool attach_quota_shared();
void quota_postmaster_startup(bool fresh);

// Takes up to `wanted` reveals of a grant's quota for the current database.
// Reports an error if every slot is in use by a live window.
Reservation reserve_quota(int64 grant_id, int64 limit, int64 window_seconds, int64 now, int64 wanted);

// Gives back what a reservation did not use.
void give_back_quota(int64 grant_id, int64 window_start, int64 unused);

// The current window of a grant (start 0 if none is open).
QuotaWindow quota_window_of(Oid database, int64 grant_id);

struct QuotaSnapshot {
    int64 grant_id;
    QuotaWindow window;
};
// Every slot of one database with an open window; palloc'd.
QuotaSnapshot* quota_snapshot(Oid database, int* count);

// Writes the counters to disk if they changed since the last save.
void save_quota_state_if_dirty();

} // namespace listguard::pg
