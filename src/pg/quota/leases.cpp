// A hot standby's leases of its primary's quota counts (core/quota/lease.h):
// backends spend leased units, the standby link (pg/replica) fills and
// returns them and mirrors the primary's windows for a promotion.
#include "pg/quota/leases.h"

#include "pg/quota/slots.h"

extern "C" {
#include "storage/condition_variable.h"
}

namespace listguard::pg {

using namespace quota_slots;

Reservation take_leased_quota(int64 grant_id, int64 limit, int64 window_seconds, int64 now, int64 wanted,
                              LeaseStatus* status)
{
    require_shared();
    ensure_slot(MyDatabaseId, grant_id, window_seconds, now);
    Reservation r{0, 0};
    *status = LeaseStatus{};
    bool found = with_slot(MyDatabaseId, grant_id, [&](Slot& slot) {
        slot.window_seconds = window_seconds;
        slot.limit = limit;
        r = take_from_lease(slot.lease, window_seconds, now, wanted);
        status->waiting = slot.lease.wanted;
        status->failures = slot.lease.failures;
        status->refused = slot.lease.refused;
    });
    if (!found) // the slot was reused meanwhile: take a fresh one
        return take_leased_quota(grant_id, limit, window_seconds, now, wanted, status);
    return r;
}

void give_back_leased_quota(int64 grant_id, int64 window_start, int64 unused)
{
    if (unused <= 0)
        return;
    with_slot(MyDatabaseId, grant_id, [&](Slot& slot) {
        if (slot.lease.window_start == window_start)
            slot.lease.remaining += unused;
    });
}

ConditionVariable* lease_condition()
{
    return shared != nullptr ? &shared->lease_changed : nullptr;
}

int lease_work(Oid database, int64 now, int64 idle_seconds, LeaseWork* out, int max)
{
    int count = 0;
    for_each_slot(database, [&](Slot& slot) {
        if (count == max)
            return false;
        LeaseWork w{slot.key.grant_id, slot.limit, 0, 0, 0};
        if (slot.limit > 0 && lease_running_low(slot.lease, slot.limit, now))
            w.wanted = lease_size(slot.limit);
        if (lease_idle(slot.lease, slot.window_seconds, now, idle_seconds)) {
            w.give_back = slot.lease.remaining;
            w.give_back_window = slot.lease.window_start;
            slot.lease.remaining = 0;
        }
        if (w.wanted > 0 || w.give_back > 0)
            out[count++] = w;
        return true;
    });
    return count;
}

void fill_leased_quota(Oid database, int64 grant_id, int64 window_start, int64 granted, QuotaWindow primary, int64 now)
{
    with_slot(database, grant_id, [&](Slot& slot) {
        fill_lease(slot.lease, window_start, granted, now);
        slot.window = primary;
    });
    if (shared != nullptr)
        ConditionVariableBroadcast(&shared->lease_changed);
}

void fail_leased_quota(Oid database)
{
    for_each_slot(database, [](Slot& slot) {
        if (slot.lease.wanted) {
            slot.lease.wanted = false;
            slot.lease.failures++;
        }
        return true;
    });
    if (shared != nullptr)
        ConditionVariableBroadcast(&shared->lease_changed);
}

void mirror_primary_window(Oid database, int64 grant_id, int64 window_seconds, QuotaWindow primary, int64 now)
{
    if (shared == nullptr || window_over(primary, window_seconds, now))
        return;
    ensure_slot(database, grant_id, window_seconds, now);
    with_slot(database, grant_id, [&](Slot& slot) {
        slot.window = primary;
        slot.window_seconds = window_seconds;
    });
    pg_atomic_write_u32(&shared->dirty, 1);
}

void end_leases()
{
    if (shared == nullptr)
        return;
    for_each_slot(InvalidOid, [](Slot& slot) {
        // The primary counted the lease as used when it granted it; what the
        // standby did not spend is free again on the server that now counts.
        give_back(slot.window, slot.lease.window_start, slot.lease.remaining);
        slot.lease = Lease{};
        return true;
    });
    pg_atomic_write_u32(&shared->dirty, 1);
    ConditionVariableBroadcast(&shared->lease_changed);
}

Oid any_quota_database()
{
    Oid database = InvalidOid;
    for_each_slot(InvalidOid, [&](Slot& slot) {
        database = slot.key.database;
        return false;
    });
    return database;
}

bool database_holds_leases(Oid database)
{
    bool holds = false;
    for_each_slot(database, [&](Slot& slot) {
        holds = slot.lease.remaining > 0 || slot.lease.wanted;
        return !holds;
    });
    return holds;
}

} // namespace listguard::pg
