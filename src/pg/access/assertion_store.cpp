#include "pg/access/assertion_store.h"

#include <sys/stat.h>

#include "pg/base/settings.h"

extern "C" {
#include "access/xlog.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

struct Entry {
    ReplayKey key;
    int64 expires;
};

// Entries in the order they were remembered: the oldest are forgotten once
// expired, and the ring's length bounds the table.
struct Shared {
    LWLock* lock;
    int64 floor;
    bool began_in_recovery;
    int capacity;
    int head;  // oldest
    int count; // in the ring and the table
    Entry ring[FLEXIBLE_ARRAY_MEMBER];
};

Shared* shared = nullptr;
HTAB* table = nullptr;

int64 unix_micros(TimestampTz t)
{
    return t + (static_cast<int64>(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}

Size ring_size(int capacity)
{
    return add_size(offsetof(Shared, ring), mul_size(sizeof(Entry), capacity));
}

// Under the lock: forgets expired entries at the ring's head.
void forget_expired(int64 now)
{
    while (shared->count > 0) {
        Entry& oldest = shared->ring[shared->head];
        if (oldest.expires > now)
            break;
        Entry* found = static_cast<Entry*>(hash_search(table, oldest.key.data(), HASH_FIND, nullptr));
        // The table holds the latest time a key was remembered until.
        if (found != nullptr && found->expires <= now)
            (void)hash_search(table, oldest.key.data(), HASH_REMOVE, nullptr);
        shared->head = (shared->head + 1) % shared->capacity;
        shared->count--;
    }
}

void require_store()
{
    if (shared == nullptr)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("listguard's assertion memory is not set up"),
                        errhint("listguard must be loaded via shared_preload_libraries.")));
}

} // namespace

ReplayCheck remember_assertion(const ReplayKey& key, int64 expires, int64 now)
{
    require_store();
    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    forget_expired(now);
    bool found;
    Entry* entry = static_cast<Entry*>(hash_search(table, key.data(), HASH_FIND, nullptr));
    if (entry != nullptr && entry->expires > now) {
        LWLockRelease(shared->lock);
        return ReplayCheck::Replayed;
    }
    if (shared->count == shared->capacity) {
        LWLockRelease(shared->lock);
        return ReplayCheck::Full;
    }
    entry = static_cast<Entry*>(hash_search(table, key.data(), HASH_ENTER_NULL, &found));
    if (entry == nullptr) {
        LWLockRelease(shared->lock);
        return ReplayCheck::Full;
    }
    entry->expires = expires;
    int tail = (shared->head + shared->count) % shared->capacity;
    shared->ring[tail] = Entry{key, expires};
    shared->count++;
    LWLockRelease(shared->lock);
    return ReplayCheck::Fresh;
}

int64 assertion_floor(int64 now)
{
    require_store();
    if (!shared->began_in_recovery || RecoveryInProgress())
        return shared->floor;
    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    if (shared->began_in_recovery) {
        shared->floor = Max(shared->floor, now + static_cast<int64>(assertion_leeway_setting) * USECS_PER_SEC);
        shared->began_in_recovery = false;
    }
    int64 floor = shared->floor;
    LWLockRelease(shared->lock);
    return floor;
}

int64 remembered_assertions(int64 now)
{
    require_store();
    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    forget_expired(now);
    int64 count = shared->count;
    LWLockRelease(shared->lock);
    return count;
}

Size assertion_store_shared_size()
{
    int capacity = max_assertions_setting;
    return add_size(MAXALIGN(ring_size(capacity)), hash_estimate_size(capacity, sizeof(Entry)));
}

void attach_assertion_store_shared()
{
    bool found;
    int capacity = max_assertions_setting;
    shared = static_cast<Shared*>(ShmemInitStruct("listguard assertions", ring_size(capacity), &found));
    HASHCTL info;
    memset(&info, 0, sizeof info);
    info.keysize = sizeof(ReplayKey);
    info.entrysize = sizeof(Entry);
    table = ShmemInitHash("listguard assertion jtis", capacity, capacity, &info, HASH_ELEM | HASH_BLOBS);
    if (found)
        return;
    shared->lock = &(GetNamedLWLockTranche("listguard assertions"))->lock;
    shared->capacity = capacity;
    shared->head = 0;
    shared->count = 0;
    // Set up at a start or after a crash: whatever was remembered is gone.
    shared->floor = unix_micros(GetCurrentTimestamp()) + static_cast<int64>(assertion_leeway_setting) * USECS_PER_SEC;
    struct stat st;
    shared->began_in_recovery = stat("standby.signal", &st) == 0 || stat("recovery.signal", &st) == 0;
}

} // namespace listguard::pg
