#include "pg/quota/store.h"

#include <cstdio>

#include "pg/base/settings.h"

#include "core/quota/lease.h"

extern "C" {
#include "common/hashfn.h"
#include "port/atomics.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/condition_variable.h"
#include "storage/spin.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

constexpr const char* kDirectory = "pg_listguard";
constexpr const char* kFile = "pg_listguard/quota.state";
constexpr const char* kTempFile = "pg_listguard/quota.state.tmp";
constexpr uint32 kFileMagic = 0x4c475131; // "LGQ1"

struct SlotKey {
    Oid database;
    Oid padding; // zeroed: HASH_BLOBS hashes every byte
    int64 grant_id;
};

struct Slot {
    SlotKey key;
    slock_t lock; // protects window, lease and limit
    QuotaWindow window; // on a standby: the primary's window as last seen
    int64 window_seconds;
    Lease lease;        // on a standby: units the primary leased to it
    int64 limit;        // the grant's limit, as the last reservation saw it
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

struct FileEntry {
    SlotKey key;
    QuotaWindow window;
    int64 window_seconds;
};

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

int64 now_seconds() { return static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp())); }

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


// Loads saved counters into fresh shared memory (postmaster, startup or
// crash restart). A missing or unreadable file means starting from zero,
// which a LOG line says.
void load_state()
{
    FILE* file = AllocateFile(kFile, PG_BINARY_R);
    if (file == nullptr) {
        if (errno != ENOENT)
            ereport(LOG, (errcode_for_file_access(), errmsg("could not read listguard quota state \"%s\": %m", kFile)));
        return;
    }
    uint32 magic = 0;
    int32 count = 0;
    bool ok = fread(&magic, sizeof magic, 1, file) == 1 && magic == kFileMagic &&
              fread(&count, sizeof count, 1, file) == 1 && count >= 0;
    int loaded = 0;
    int64 now = now_seconds();
    for (int i = 0; ok && i < count; i++) {
        FileEntry e;
        if (fread(&e, sizeof e, 1, file) != 1) {
            ok = false;
            break;
        }
        if (window_over(e.window, e.window_seconds, now))
            continue; // that window is over: nothing to keep
        bool found;
        auto* slot = static_cast<Slot*>(hash_search(slots, &e.key, HASH_ENTER_NULL, &found));
        if (slot == nullptr)
            break;
        SpinLockInit(&slot->lock);
        slot->window = e.window;
        slot->window_seconds = e.window_seconds;
        slot->lease = Lease{};
        slot->limit = 0;
        slot->durable = e.window;
        loaded++;
    }
    FreeFile(file);
    if (!ok)
        ereport(LOG, (errmsg("listguard quota state \"%s\" is damaged; quotas start from the counts read so far",
                             kFile)));
    else if (loaded > 0)
        ereport(LOG, (errmsg("listguard restored %d export-quota counters", loaded)));
}

// What the file records for a slot: its window, counted at least as high
// as its durable count (at a clean shutdown: exactly).
QuotaWindow saved_window(const Slot& slot, bool exact)
{
    QuotaWindow w = slot.window;
    if (!exact && slot.durable.start == w.start)
        w.used = Max(w.used, slot.durable.used);
    return w;
}

// Writes every slot to the state file (flushed, renamed into place); false
// if it could not.
bool save_state(bool exact = false)
{
    if (shared == nullptr)
        return true;
    pg_atomic_write_u32(&shared->dirty, 0);
    int capacity = max_quota_slots_setting;
    auto* entries = static_cast<FileEntry*>(palloc(sizeof(FileEntry) * Max(capacity, 1)));
    int count = 0;
    for_each_slot(InvalidOid, [&](Slot& slot) {
        if (count == capacity)
            return false;
        entries[count++] = FileEntry{slot.key, saved_window(slot, exact), slot.window_seconds};
        return true;
    });

    (void) MakePGDirectory(kDirectory);
    FILE* file = AllocateFile(kTempFile, PG_BINARY_W);
    bool ok = file != nullptr;
    if (ok) {
        int32 n = count;
        ok = fwrite(&kFileMagic, sizeof kFileMagic, 1, file) == 1 && fwrite(&n, sizeof n, 1, file) == 1 &&
             (count == 0 || fwrite(entries, sizeof(FileEntry), count, file) == static_cast<size_t>(count)) &&
             fflush(file) == 0 && pg_fsync(fileno(file)) == 0;
        ok = FreeFile(file) == 0 && ok;
    }
    pfree(entries);
    if (!ok || durable_rename(kTempFile, kFile, LOG) != 0) {
        ereport(LOG, (errcode_for_file_access(), errmsg("could not save listguard quota state \"%s\": %m", kFile)));
        pg_atomic_write_u32(&shared->dirty, 1);
        return false;
    }
    return true;
}

// A save by a backend or the housekeeper: one at a time, and it covers
// every durable count raised before it began.
bool save_state_covering()
{
    LWLockAcquire(shared->save_lock, LW_EXCLUSIVE);
    uint64 covering = pg_atomic_read_u64(&shared->durable_wanted);
    bool saved = save_state();
    if (saved)
        shared->durable_saved = Max(shared->durable_saved, covering);
    LWLockRelease(shared->save_lock);
    return saved;
}

// Before the reveals of a reservation are made: the state file counts them
// (and some room beyond), so that a crash never gives them back. Waits for
// (or makes) a save that covers raise `wanted`; false if none could be made.
bool make_durable(uint64 wanted)
{
    LWLockAcquire(shared->save_lock, LW_EXCLUSIVE);
    bool covered = shared->durable_saved >= wanted;
    LWLockRelease(shared->save_lock);
    return covered || save_state_covering();
}

// At a clean shutdown the postmaster saves the exact counts (no backend is
// left to reserve). After a crash shared memory is not trusted: the saved
// counts, which cover every reveal made, are what counts.
void save_at_shutdown(int code, Datum)
{
    if (code == 0)
        (void) save_state(true);
}

// Makes sure a grant has a slot, creating it (and, when the table is full,
// reusing slots whose window is over) if needed. Callers then reach it
// through with_slot(), which finds it under the lock (or not, if it was
// reused meanwhile).
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
        ereport(ERROR, (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
                        errmsg("too many export quotas in use at once"),
                        errdetail("All %d quota slots hold a window that has not ended.", max_quota_slots_setting),
                        errhint("Raise listguard.max_quota_slots (needs a restart).")));
}

void require_shared()
{
    if (shared == nullptr)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("listguard quota memory is not initialised"),
                        errhint("listguard must be loaded via shared_preload_libraries.")));
}

} // namespace

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

void quota_postmaster_startup(bool fresh)
{
    on_shmem_exit(save_at_shutdown, 0);
    if (fresh)
        load_state();
}

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
                        errdetail("listguard could not save \"%s\"; the server log says why.", kFile),
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
        result[(*count)++] = QuotaSnapshot{slot.key.database, slot.key.grant_id, slot.window, slot.window_seconds};
        return true;
    });
    return result;
}

void save_quota_state_if_dirty()
{
    if (shared != nullptr && pg_atomic_read_u32(&shared->dirty) != 0)
        (void) save_state_covering();
}

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

ConditionVariable* lease_condition() { return shared != nullptr ? &shared->lease_changed : nullptr; }

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

void fill_leased_quota(Oid database, int64 grant_id, int64 window_start, int64 granted, QuotaWindow primary,
                       int64 now)
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
