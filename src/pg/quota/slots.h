// The export-quota slots in shared memory: one per (database, grant),
// shared by every session and parallel worker of the server. Internal to the
// quota room: the counters (store.h), their state file (state_file.h) and a
// standby's leases (leases.h) work on them.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/quota/lease.h"
#include "core/quota/window.h"

extern "C" {
#include "port/atomics.h"
#include "storage/condition_variable.h"
#include "storage/lwlock.h"
#include "storage/spin.h"
#include "utils/hsearch.h"
}

namespace listguard::pg::quota_slots {

struct SlotKey {
    Oid database;
    Oid padding; // zeroed: HASH_BLOBS hashes every byte
    int64 grant_id;
};

struct Slot {
    SlotKey key;
    slock_t lock;       // protects window, lease and limit
    QuotaWindow window; // on a standby: the primary's window as last seen
    int64 window_seconds;
    Lease lease;         // on a standby: units the primary leased to it
    int64 limit;         // the grant's limit, as the last reservation saw it
    QuotaWindow durable; // what the state file holds for the window, at least (durable_count)
};

struct Shared {
    LWLock* lock; // protects the slot table's membership (not the counters)
    pg_atomic_uint32 dirty;
    ConditionVariable lease_changed; // a lease was filled or could not be
    LWLock* save_lock;               // one save of the state file at a time
    pg_atomic_uint64 durable_wanted; // counts durable counts raised (slot.durable)
    uint64 durable_saved;            // the last of them a save covered (under save_lock)
};

extern Shared* shared;
extern HTAB* slots;

SlotKey key_of(Oid database, int64 grant_id);
int64 now_seconds();

// Calls body(slot) for every slot of `database` (InvalidOid: of every
// database) under the slot's spinlock, with the table's lock held shared;
// body returns false to stop. Bodies only copy and assign.
template <typename F>
void for_each_slot(Oid database, F&& body)
{
    if (shared == nullptr)
        return;
    LWLockAcquire(shared->lock, LW_SHARED);
    HASH_SEQ_STATUS status;
    hash_seq_init(&status, slots);
    Slot* slot;
    while ((slot = static_cast<Slot*>(hash_seq_search(&status))) != nullptr) {
        if (OidIsValid(database) && slot->key.database != database)
            continue;
        SpinLockAcquire(&slot->lock);
        bool go_on = body(*slot);
        SpinLockRelease(&slot->lock);
        if (!go_on) {
            hash_seq_term(&status);
            break;
        }
    }
    LWLockRelease(shared->lock);
}

// A slot's fields under its spinlock, with the table's lock held shared so
// that the slot is not reused meanwhile. Returns false if the slot is gone.
template <typename F>
bool with_slot(Oid database, int64 grant_id, F&& body)
{
    if (shared == nullptr)
        return false;
    SlotKey key = key_of(database, grant_id);
    LWLockAcquire(shared->lock, LW_SHARED);
    auto* slot = static_cast<Slot*>(hash_search(slots, &key, HASH_FIND, nullptr));
    if (slot != nullptr) {
        SpinLockAcquire(&slot->lock);
        body(*slot);
        SpinLockRelease(&slot->lock);
    }
    LWLockRelease(shared->lock);
    return slot != nullptr;
}

// Makes sure a grant has a slot, creating it (and, when the table is full,
// reusing slots whose window is over) if needed. Callers then reach it
// through with_slot(), which finds it under the lock (or not, if it was
// reused meanwhile).
void ensure_slot(Oid database, int64 grant_id, int64 window_seconds, int64 now);

// An error unless shared memory is set up (listguard preloaded).
void require_shared();

} // namespace listguard::pg::quota_slots
