// A hot standby's leases of its primary's export-quota counts.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/quota/window.h"

extern "C" {
#include "storage/condition_variable.h"
}

namespace listguard::pg {

// On a hot standby the slot of a grant holds the primary's window as last
// seen and the lease the primary granted this standby (core/quota/lease.h).

struct LeaseStatus {
    bool waiting = false; // the lease is dry: the link was asked for more
    int64 failures = 0;   // the link's failed requests so far (a rise: it failed since)
    bool refused = false; // the primary's window has no unit left
};
// A backend takes up to `wanted` leased units; granted 0 says why in status.
Reservation take_leased_quota(int64 grant_id, int64 limit, int64 window_seconds, int64 now, int64 wanted,
                              LeaseStatus* status);
// A backend gives back leased units it did not use.
void give_back_leased_quota(int64 grant_id, int64 window_start, int64 unused);
// Broadcast whenever a lease is filled or a request failed.
ConditionVariable* lease_condition();

struct LeaseWork {
    int64 grant_id;
    int64 limit;
    int64 wanted;           // units to ask the primary for (0: none)
    int64 give_back;        // units to return to the primary (taken out of the lease)
    int64 give_back_window; // the window they were leased in
};
// The link: what the database's leases need (more units, or idle units to
// return), at most `max` entries in `out`.
int lease_work(Oid database, int64 now, int64 idle_seconds, LeaseWork* out, int max);
// The link: the primary granted units (primary: its window after the grant).
void fill_leased_quota(Oid database, int64 grant_id, int64 window_start, int64 granted, QuotaWindow primary, int64 now);
// The link: the primary could not be asked; waiting backends fail closed.
void fail_leased_quota(Oid database);
// The link: the primary's window of a grant, so that a promotion starts
// from it.
void mirror_primary_window(Oid database, int64 grant_id, int64 window_seconds, QuotaWindow primary, int64 now);
// A database with quota counters (InvalidOid: none), where a standby's
// housekeeper starts a link to keep the mirror of the primary's windows.
Oid any_quota_database();
// Whether a standby holds or waits for leases in the database.
bool database_holds_leases(Oid database);
// After promotion: unspent leases become free units of the mirrored windows,
// which count from now on.
void end_leases();

} // namespace listguard::pg
