#include "pg/activity/counters.h"

extern "C" {
#include "port/atomics.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/hsearch.h"
}

namespace listguard::pg {

namespace {

constexpr long kMaxCounters = 4096;

struct CounterKey {
    Oid database;
    Oid role;
    uint16 counter;
    char name[kCounterNameSize]; // zero-padded: hashed as bytes
};

struct CounterEntry {
    CounterKey key;
    pg_atomic_uint64 value;
};

LWLock* counters_lock = nullptr;
HTAB* counters = nullptr;

CounterKey key_of(Oid database, Counter counter, const char* name, Oid role) noexcept
{
    CounterKey key;
    memset(&key, 0, sizeof key);
    key.database = database;
    key.role = role;
    key.counter = static_cast<uint16>(counter);
    if (name != nullptr)
        strlcpy(key.name, name, sizeof key.name);
    return key;
}

// The entry of a key, made if missing; null if the table is full.
CounterEntry* entry_of(const CounterKey& key) noexcept
{
    LWLockAcquire(counters_lock, LW_SHARED);
    auto* e = static_cast<CounterEntry*>(hash_search(counters, &key, HASH_FIND, nullptr));
    LWLockRelease(counters_lock);
    if (e != nullptr)
        return e;
    LWLockAcquire(counters_lock, LW_EXCLUSIVE);
    bool found;
    e = static_cast<CounterEntry*>(hash_search(counters, &key, HASH_ENTER_NULL, &found));
    if (e != nullptr && !found)
        pg_atomic_init_u64(&e->value, 0);
    LWLockRelease(counters_lock);
    return e;
}

void change(Oid database, Counter counter, int64 n, const char* name, Oid role, bool set) noexcept
{
    if (counters == nullptr || !OidIsValid(database))
        return;
    CounterEntry* e = entry_of(key_of(database, counter, name, role));
    if (e == nullptr) // full: into the counter's catch-all entry, which every counter gets first
        e = entry_of(key_of(database, counter, "(other)", InvalidOid));
    if (e == nullptr)
        return;
    if (set)
        pg_atomic_write_u64(&e->value, static_cast<uint64>(n));
    else
        pg_atomic_fetch_add_u64(&e->value, n);
}

// Values shown, per (role, level), not yet added to the shared counters.
struct PendingReveals {
    Oid role;
    int64 by_level[4];
};
constexpr int kPendingRoles = 4;
PendingReveals pending[kPendingRoles];
int pending_roles = 0;
int64 pending_values = 0;

} // namespace

void count(Oid database, Counter counter, int64 n, const char* name, Oid role) noexcept
{
    change(database, counter, n, name, role, false);
}

void set_gauge(Oid database, Counter counter, int64 value, const char* name) noexcept
{
    change(database, counter, value, name, InvalidOid, true);
}

void clear_counter(Oid database, Counter counter) noexcept
{
    if (counters == nullptr)
        return;
    LWLockAcquire(counters_lock, LW_EXCLUSIVE);
    HASH_SEQ_STATUS status;
    hash_seq_init(&status, counters);
    CounterEntry* e;
    while ((e = static_cast<CounterEntry*>(hash_seq_search(&status))) != nullptr)
        if (e->key.database == database && e->key.counter == static_cast<uint16>(counter))
            (void)hash_search(counters, &e->key, HASH_REMOVE, nullptr); // allowed during a scan: the current entry
    LWLockRelease(counters_lock);
}

void note_reveal(RevealLevel level) noexcept
{
    int l = static_cast<int>(level);
    if (l < 0 || l >= 4)
        return;
    Oid role = GetUserId();
    for (int i = 0; i < pending_roles; i++)
        if (pending[i].role == role) {
            pending[i].by_level[l]++;
            if (++pending_values >= 4096)
                flush_reveals();
            return;
        }
    if (pending_roles == kPendingRoles)
        flush_reveals();
    PendingReveals& p = pending[pending_roles++];
    p = PendingReveals{role, {0, 0, 0, 0}};
    p.by_level[l] = 1;
    pending_values++;
}

void flush_reveals() noexcept
{
    for (int i = 0; i < pending_roles; i++)
        for (int l = 0; l < 4; l++)
            if (pending[i].by_level[l] > 0) {
                std::string_view name = reveal_name(static_cast<RevealLevel>(l));
                char label[kCounterNameSize];
                strlcpy(label, name.data(), Min(sizeof label, name.size() + 1));
                count(MyDatabaseId, Counter::Reveals, pending[i].by_level[l], label, pending[i].role);
            }
    pending_roles = 0;
    pending_values = 0;
}

CounterValue* counter_snapshot(Oid database, int* n)
{
    *n = 0;
    if (counters == nullptr)
        return static_cast<CounterValue*>(palloc(sizeof(CounterValue)));
    LWLockAcquire(counters_lock, LW_SHARED);
    long total = hash_get_num_entries(counters);
    auto* out = static_cast<CounterValue*>(palloc(sizeof(CounterValue) * Max(total, 1L)));
    HASH_SEQ_STATUS status;
    hash_seq_init(&status, counters);
    CounterEntry* e;
    while ((e = static_cast<CounterEntry*>(hash_seq_search(&status))) != nullptr) {
        if (e->key.database != database || *n >= total)
            continue;
        CounterValue& v = out[(*n)++];
        v.counter = static_cast<Counter>(e->key.counter);
        v.role = e->key.role;
        memcpy(v.name, e->key.name, sizeof v.name);
        v.value = static_cast<int64>(pg_atomic_read_u64(&e->value));
    }
    LWLockRelease(counters_lock);
    return out;
}

Size counters_shared_size()
{
    return hash_estimate_size(kMaxCounters, sizeof(CounterEntry));
}

void attach_counters_shared()
{
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.keysize = sizeof(CounterKey);
    ctl.entrysize = sizeof(CounterEntry);
    counters = ShmemInitHash("listguard counters", 256, kMaxCounters, &ctl, HASH_ELEM | HASH_BLOBS);
    counters_lock = &(GetNamedLWLockTranche("listguard activity"))->lock;
}

} // namespace listguard::pg
