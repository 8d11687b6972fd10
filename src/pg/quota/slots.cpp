#include "pg/quota/slots.h"

#include "pg/base/settings.h"

extern "C" {
#include "storage/shmem.h"
#include "utils/timestamp.h"
}

namespace listguard::pg::quota_slots {

Shared* shared = nullptr;
HTAB* slots = nullptr;

SlotKey key_of(Oid database, int64 grant_id)
{
    SlotKey key;
    memset(&key, 0, sizeof key);
    key.database = database;
    key.grant_id = grant_id;
    return key;
}

int64 now_seconds()
{
    return static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp()));
}

void ensure_slot(Oid database, int64 grant_id, int64 window_seconds, int64 now)
{
    SlotKey key = key_of(database, grant_id);
    LWLockAcquire(shared->lock, LW_SHARED);
    auto* slot = static_cast<Slot*>(hash_search(slots, &key, HASH_FIND, nullptr));
    LWLockRelease(shared->lock);
    if (slot != nullptr)
        return;

    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    bool found;
    slot = static_cast<Slot*>(hash_search(slots, &key, HASH_ENTER_NULL, &found));
    if (slot == nullptr) {
        // Full: forget slots whose window has ended (their count no longer
        // matters), then try again.
        HASH_SEQ_STATUS status;
        hash_seq_init(&status, slots);
        Slot* s;
        while ((s = static_cast<Slot*>(hash_seq_search(&status))) != nullptr)
            if (window_over(s->window, s->window_seconds, now))
                hash_search(slots, &s->key, HASH_REMOVE, nullptr);
        slot = static_cast<Slot*>(hash_search(slots, &key, HASH_ENTER_NULL, &found));
    }
    if (slot != nullptr && !found) {
        SpinLockInit(&slot->lock);
        slot->window = QuotaWindow{};
        slot->window_seconds = window_seconds;
        slot->lease = Lease{};
        slot->limit = 0;
        slot->durable = QuotaWindow{};
    }
    LWLockRelease(shared->lock);
    if (slot == nullptr)
        ereport(ERROR, (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED), errmsg("too many export quotas in use at once"),
                        errdetail("All %d quota slots hold a window that has not ended.", max_quota_slots_setting),
                        errhint("Raise listguard.max_quota_slots (needs a restart).")));
}

void require_shared()
{
    if (shared == nullptr)
        ereport(ERROR,
                (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("listguard quota memory is not initialised"),
                 errhint("listguard must be loaded via shared_preload_libraries.")));
}

} // namespace listguard::pg::quota_slots

namespace listguard::pg {

using namespace quota_slots;

Size quota_shared_size()
{
    return add_size(MAXALIGN(sizeof(Shared)), hash_estimate_size(max_quota_slots_setting, sizeof(Slot)));
}

bool attach_quota_shared()
{
    bool found;
    shared = static_cast<Shared*>(ShmemInitStruct("listguard quota", sizeof(Shared), &found));
    if (!found) {
        LWLockPadded* locks = GetNamedLWLockTranche("listguard");
        shared->lock = &locks[0].lock;
        shared->save_lock = &locks[1].lock;
        pg_atomic_init_u32(&shared->dirty, 0);
        ConditionVariableInit(&shared->lease_changed);
        pg_atomic_init_u64(&shared->durable_wanted, 0);
        shared->durable_saved = 0;
    }
    HASHCTL info;
    info.keysize = sizeof(SlotKey);
    info.entrysize = sizeof(Slot);
    slots = ShmemInitHash("listguard quota slots", max_quota_slots_setting, max_quota_slots_setting, &info,
                          HASH_ELEM | HASH_BLOBS | HASH_FIXED_SIZE);
    return !found;
}

} // namespace listguard::pg
