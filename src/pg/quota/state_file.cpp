// The export-quota counters on disk (pg_listguard/quota.state): saved by
// the housekeeper every listguard.quota_save_interval, before the reveals of
// a reservation are shown (with room for the next ones, so that a crash
// never gives back a reveal), and at a clean shutdown; loaded whenever
// shared memory is set up again.
#include "pg/quota/state_file.h"

#include <cstdio>

#include "pg/base/settings.h"
#include "pg/quota/slots.h"

extern "C" {
#include "storage/fd.h"
#include "storage/ipc.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

using namespace quota_slots;

namespace {

constexpr const char* kDirectory = "pg_listguard";
constexpr const char* kFile = "pg_listguard/quota.state";
constexpr const char* kTempFile = "pg_listguard/quota.state.tmp";
constexpr uint32 kFileMagic = 0x4c475131; // "LGQ1"

struct FileEntry {
    SlotKey key;
    QuotaWindow window;
    int64 window_seconds;
};

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
        ereport(LOG,
                (errmsg("listguard quota state \"%s\" is damaged; quotas start from the counts read so far", kFile)));
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

    (void)MakePGDirectory(kDirectory);
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
bool save_state_covering_impl()
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
bool make_durable_impl(uint64 wanted)
{
    LWLockAcquire(shared->save_lock, LW_EXCLUSIVE);
    bool covered = shared->durable_saved >= wanted;
    LWLockRelease(shared->save_lock);
    return covered || save_state_covering_impl();
}

// At a clean shutdown the postmaster saves the exact counts (no backend is
// left to reserve). After a crash shared memory is not trusted: the saved
// counts, which cover every reveal made, are what counts.
void save_at_shutdown(int code, Datum)
{
    if (code == 0)
        (void)save_state(true);
}

} // namespace

bool save_state_covering()
{
    return save_state_covering_impl();
}

bool make_durable(uint64 wanted)
{
    return make_durable_impl(wanted);
}

const char* quota_state_file()
{
    return kFile;
}

void quota_postmaster_startup(bool fresh)
{
    on_shmem_exit(save_at_shutdown, 0);
    if (fresh)
        load_state();
}

void save_quota_state_if_dirty()
{
    if (shared != nullptr && pg_atomic_read_u32(&shared->dirty) != 0)
        (void)save_state_covering_impl();
}

} // namespace listguard::pg
