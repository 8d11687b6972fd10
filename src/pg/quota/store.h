// Export-quota counters in shared memory: one slot per (database, grant),
// shared by every session and parallel worker of the server (pg/quota/
// slots.h), saved to disk as pg/quota/state_file.h says. A standby's leases
// of its primary's counts: pg/quota/leases.h.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/quota/window.h"

namespace listguard::pg {

// Shared memory (pg/module/shared_memory.cpp): its size; attaching (with
// AddinShmemInitLock held), true if it was just created.
Size quota_shared_size();
bool attach_quota_shared();

// Takes up to `wanted` reveals of a grant's quota for the current database.
// Reports an error if every slot is in use by a live window.
Reservation reserve_quota(int64 grant_id, int64 limit, int64 window_seconds, int64 now, int64 wanted);

// Gives back what a reservation did not use.
void give_back_quota(int64 grant_id, int64 window_start, int64 unused);

// The current window of a grant (start 0 if none is open).
QuotaWindow quota_window_of(Oid database, int64 grant_id);

struct QuotaSnapshot {
    Oid database;
    int64 grant_id;
    QuotaWindow window;
    int64 window_seconds;
    int64 leased; // on a standby: units of the primary's window leased here and not yet spent
};
// Every slot of one database (InvalidOid: of every database); palloc'd.
QuotaSnapshot* quota_snapshot(Oid database, int* count);

} // namespace listguard::pg
