// The export-quota counters of a primary (or of a standby that counts on its
// own): reservations and what they did not use, per grant's window.
#include "pg/quota/store.h"

#include "pg/base/settings.h"
#include "pg/quota/slots.h"
#include "pg/quota/state_file.h"

extern "C" {
#include "storage/lwlock.h"
}

namespace listguard::pg {

using namespace quota_slots;

Reservation reserve_quota(int64 grant_id, int64 limit, int64 window_seconds, int64 now, int64 wanted)
{
    require_shared();
    ensure_slot(MyDatabaseId, grant_id, window_seconds, now);
    Reservation r{0, 0};
    uint64 durable_raise = 0;
    bool found = with_slot(MyDatabaseId, grant_id, [&](Slot& slot) {
        slot.window_seconds = window_seconds;
        r = reserve(slot.window, limit, window_seconds, now, wanted);
        if (r.granted > 0 && (slot.durable.start != slot.window.start || slot.durable.used < slot.window.used)) {
            slot.durable = QuotaWindow{slot.window.start, durable_count(slot.window.used, limit)};
            durable_raise = pg_atomic_add_fetch_u64(&shared->durable_wanted, 1);
        }
    });
    if (!found) // the slot was reused meanwhile: take a fresh one
        return reserve_quota(grant_id, limit, window_seconds, now, wanted);
    pg_atomic_write_u32(&shared->dirty, 1);
    if (durable_raise != 0 && !make_durable(durable_raise)) {
        // Fail closed: a reveal the state file does not count could be made
        // again after a crash.
        give_back_quota(grant_id, r.window_start, r.granted);
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not record the use of an export quota"),
                        errdetail("listguard could not save \"%s\"; the server log says why.", quota_state_file()),
                        errhint("Check the data directory's free space and permissions.")));
    }
    return r;
}

void give_back_quota(int64 grant_id, int64 window_start, int64 unused)
{
    if (shared == nullptr || unused <= 0)
        return;
    with_slot(MyDatabaseId, grant_id, [&](Slot& slot) { give_back(slot.window, window_start, unused); });
    pg_atomic_write_u32(&shared->dirty, 1);
}

QuotaWindow quota_window_of(Oid database, int64 grant_id)
{
    QuotaWindow w;
    with_slot(database, grant_id, [&](Slot& slot) { w = slot.window; });
    return w;
}

QuotaSnapshot* quota_snapshot(Oid database, int* count)
{
    *count = 0;
    if (shared == nullptr)
        return nullptr;
    auto* result = static_cast<QuotaSnapshot*>(palloc(sizeof(QuotaSnapshot) * Max(max_quota_slots_setting, 1)));
    for_each_slot(database, [&](Slot& slot) {
        if (*count >= max_quota_slots_setting)
            return false;
        result[(*count)++] =
            QuotaSnapshot{slot.key.database, slot.key.grant_id, slot.window, slot.window_seconds, slot.lease.remaining};
        return true;
    });
    return result;
}

} // namespace listguard::pg
