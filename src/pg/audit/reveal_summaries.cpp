#include "pg/audit/reveal_summaries.h"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg/audit/queue.h"
#include "pg/audit/record.h"
#include "pg/audit/reveal_spool.h"
#include "pg/base/catalog.h"

#include "core/canary/reveal_summary.h"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

constexpr int64 kMaxKeysPerFold = 4 << 20;

struct DayKey {
    Oid role;
    int32 day;
};

struct DayKeys {
    DayKey key;
    uint64* keys;
    int64 count;
    int64 room;
};

// Where each live spool file was read up to (the writer's memory only: a new
// writer reads them again from the start, which adds nothing twice).
struct Offset {
    char name[64];
    size_t offset;
};
Offset* offsets = nullptr;
int offset_count = 0;
int offset_room = 0;

// What the fold in progress will change once it commits.
struct Pending {
    char name[64];
    size_t offset; // live files
    bool finished; // rename to .folded
};
Pending* pending = nullptr;
int pending_count = 0;

size_t offset_of(const char* name)
{
    for (int i = 0; i < offset_count; i++)
        if (strcmp(offsets[i].name, name) == 0)
            return offsets[i].offset;
    return 0;
}

void set_offset(const char* name, size_t offset)
{
    for (int i = 0; i < offset_count; i++) {
        if (strcmp(offsets[i].name, name) == 0) {
            offsets[i].offset = offset;
            return;
        }
    }
    if (offset_count == offset_room) {
        offset_room = Max(16, offset_room * 2);
        offsets =
            static_cast<Offset*>(offsets == nullptr ? MemoryContextAlloc(TopMemoryContext, sizeof(Offset) * offset_room)
                                                    : repalloc(offsets, sizeof(Offset) * offset_room));
    }
    strlcpy(offsets[offset_count].name, name, sizeof offsets[offset_count].name);
    offsets[offset_count++].offset = offset;
}

void forget_offset(const char* name)
{
    for (int i = 0; i < offset_count; i++) {
        if (strcmp(offsets[i].name, name) == 0) {
            offsets[i] = offsets[--offset_count];
            return;
        }
    }
}

bool backend_alive(int pid)
{
    return kill(pid, 0) == 0 || errno != ESRCH;
}

struct Collect {
    HTAB* days;
    int64 keys;
};

void add_keys(HTAB* days, Oid role, int32 day, const uint64* keys, uint32 n)
{
    DayKey k;
    memset(&k, 0, sizeof k);
    k.role = role;
    k.day = day;
    bool found;
    auto* e = static_cast<DayKeys*>(hash_search(days, &k, HASH_ENTER, &found));
    if (!found) {
        e->room = Max(1024, static_cast<int64>(n));
        e->keys = static_cast<uint64*>(palloc(sizeof(uint64) * e->room));
        e->count = 0;
    }
    if (e->count + n > e->room) {
        e->room = Max(e->room * 2, e->count + n);
        e->keys = static_cast<uint64*>(repalloc_huge(e->keys, sizeof(uint64) * e->room));
    }
    memcpy(e->keys + e->count, keys, sizeof(uint64) * n);
    e->count += n;
}

void collect_record(void* arg, const SpoolRecordHeader& h, const uint64* keys)
{
    auto* c = static_cast<Collect*>(arg);
    add_keys(c->days, static_cast<Oid>(h.role), h.day, keys, h.count);
    if (h.login != h.role)
        add_keys(c->days, static_cast<Oid>(h.login), h.day, keys, h.count);
    c->keys += h.count;
}

struct Part {
    int16 number;
    int32 items;
    uint8* bits;
    size_t octets;
    bool existing;
    bool dirty;
};

// Folds one role's keys of one day into its parts.
void fold_day(Oid table, const DayKeys& d)
{
    Oid types[2] = {OIDOID, DATEOID};
    Datum args[2] = {ObjectIdGetDatum(d.key.role), DateADTGetDatum(d.key.day)};
    if (SPI_execute_with_args("SELECT part, items, bits FROM listguard.reveal_summaries "
                              "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
                              "AND day OPERATOR(pg_catalog.=) $2 ORDER BY part FOR UPDATE",
                              2, types, args, nullptr, false, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.reveal_summaries");
    int count = static_cast<int>(SPI_processed);
    int room = count + 4;
    auto* parts = static_cast<Part*>(palloc0(sizeof(Part) * room));
    for (int i = 0; i < count; i++) {
        bool isnull;
        Part& p = parts[i];
        p.number = DatumGetInt16(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
        p.items = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
        bytea* bits = DatumGetByteaPCopy(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull));
        p.bits = reinterpret_cast<uint8*>(VARDATA(bits));
        p.octets = VARSIZE(bits) - VARHDRSZ;
        p.existing = true;
    }
    SPI_freetuptable(SPI_tuptable);
    for (int64 k = 0; k < d.count; k++) {
        uint64 key = d.keys[k];
        bool held = false;
        for (int i = 0; i < count && !held; i++)
            held = summary_contains(parts[i].bits, parts[i].octets, key);
        if (held)
            continue;
        Part* last = count > 0 ? &parts[count - 1] : nullptr;
        if (last == nullptr || static_cast<size_t>(last->items) >= SummaryFilter::capacity_of(last->number)) {
            if (count == room) {
                room *= 2;
                parts = static_cast<Part*>(repalloc(parts, sizeof(Part) * room));
            }
            Part& p = parts[count];
            memset(&p, 0, sizeof p);
            p.number = static_cast<int16>(last == nullptr ? 0 : last->number + 1);
            p.octets = SummaryFilter::octets_for(SummaryFilter::capacity_of(p.number));
            p.bits = static_cast<uint8*>(palloc0(p.octets));
            last = &parts[count++];
        }
        SummaryFilter(last->bits, last->octets).insert(key);
        last->items++;
        last->dirty = true;
    }
    for (int i = 0; i < count; i++) {
        const Part& p = parts[i];
        if (!p.dirty)
            continue;
        Oid wtypes[5] = {OIDOID, DATEOID, INT2OID, INT4OID, BYTEAOID};
        Datum wargs[5] = {ObjectIdGetDatum(d.key.role), DateADTGetDatum(d.key.day), Int16GetDatum(p.number),
                          Int32GetDatum(p.items), bytea_datum(p.bits, p.octets)};
        const char* sql = p.existing ? "UPDATE listguard.reveal_summaries SET items = $4, bits = $5 "
                                       "WHERE role::pg_catalog.oid OPERATOR(pg_catalog.=) $1 "
                                       "AND day OPERATOR(pg_catalog.=) $2 AND part OPERATOR(pg_catalog.=) $3"
                                     : "INSERT INTO listguard.reveal_summaries (role, day, part, items, bits) "
                                       "VALUES ($1::pg_catalog.regrole, $2, $3, $4, $5)";
        if (SPI_execute_with_args(sql, 5, wtypes, wargs, nullptr, false, 0) < 0)
            elog(ERROR, "could not write listguard.reveal_summaries");
    }
    (void)table;
}

} // namespace

int64 fold_reveal_spool(Oid database)
{
    pending_count = 0;
    // Found through the extension, never by name (a look-alike schema).
    const ListguardObjects& objects = listguard_objects();
    Oid schema = objects.schema;
    Oid table = objects.reveal_summaries;
    int count;
    SpoolFile* files = list_spool_files(database, &count);
    if (!OidIsValid(schema)) {
        // listguard was dropped here: nothing will fold them.
        for (int i = 0; i < count; i++) {
            char path[MAXPGPATH];
            snprintf(path, sizeof path, "%s/%s", kSpoolDirectory, files[i].name);
            if (files[i].finished || !backend_alive(files[i].pid))
                (void)unlink(path);
        }
        return -1;
    }
    if (!OidIsValid(table))
        return -1; // an older version: the files wait for ALTER EXTENSION UPDATE
    if (count == 0)
        return 0;
    if (pending != nullptr)
        pfree(pending);
    pending = static_cast<Pending*>(MemoryContextAlloc(TopMemoryContext, sizeof(Pending) * count));
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.keysize = sizeof(DayKey);
    ctl.entrysize = sizeof(DayKeys);
    ctl.hcxt = CurrentMemoryContext;
    Collect collect{hash_create("listguard reveal keys", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT), 0};
    for (int i = 0; i < count && collect.keys < kMaxKeysPerFold; i++) {
        const SpoolFile& f = files[i];
        if (f.folded)
            continue;
        bool finished = f.finished || !backend_alive(f.pid);
        size_t from = offset_of(f.name);
        uint8* data;
        size_t size;
        if (!read_spool_file(f, &data, &size))
            continue;
        size_t used = from < size ? for_each_spool_record(data + from, size - from, collect_record, &collect) : 0;
        pfree(data);
        Pending& p = pending[pending_count++];
        strlcpy(p.name, f.name, sizeof p.name);
        p.offset = from + used;
        p.finished = finished;
    }
    HASH_SEQ_STATUS seq;
    hash_seq_init(&seq, collect.days);
    DayKeys* d;
    while ((d = static_cast<DayKeys*>(hash_seq_search(&seq))) != nullptr)
        fold_day(table, *d);
    return collect.keys;
}

void finish_reveal_spool(bool committed)
{
    if (committed) {
        for (int i = 0; i < pending_count; i++) {
            const Pending& p = pending[i];
            if (!p.finished) {
                set_offset(p.name, p.offset);
                continue;
            }
            char from[MAXPGPATH], to[MAXPGPATH];
            snprintf(from, sizeof from, "%s/%s", kSpoolDirectory, p.name);
            // "<db>.<pid>.<n>" or "<db>.<pid>.<n>.done" becomes "<db>.<pid>.<n>.folded".
            char base[64];
            strlcpy(base, p.name, sizeof base);
            char* done = strstr(base, ".done");
            if (done != nullptr)
                *done = '\0';
            snprintf(to, sizeof to, "%s/%s.folded", kSpoolDirectory, base);
            (void)rename(from, to);
            forget_offset(p.name);
        }
    }
    pending_count = 0;
    // Folded files go once readers had time to see the table instead.
    DIR* dir = AllocateDir(kSpoolDirectory);
    if (dir == nullptr)
        return;
    time_t now = time(nullptr);
    struct dirent* entry;
    while ((entry = ReadDirExtended(dir, kSpoolDirectory, LOG)) != nullptr) {
        size_t len = strlen(entry->d_name);
        if (len < 7 || strcmp(entry->d_name + len - 7, ".folded") != 0)
            continue;
        char path[MAXPGPATH];
        snprintf(path, sizeof path, "%s/%s", kSpoolDirectory, entry->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && now - st.st_mtime > kSpoolGraceSeconds)
            (void)unlink(path);
    }
    FreeDir(dir);
}

void wake_writers_for_spool()
{
    DIR* dir = AllocateDir(kSpoolDirectory);
    if (dir == nullptr)
        return;
    Oid woken[16];
    int woken_count = 0;
    time_t now = time(nullptr);
    struct dirent* entry;
    while ((entry = ReadDirExtended(dir, kSpoolDirectory, LOG)) != nullptr) {
        unsigned db;
        int pid, number, end = 0;
        if (sscanf(entry->d_name, "%u.%d.%d%n", &db, &pid, &number, &end) != 3)
            continue;
        const char* rest = entry->d_name + end;
        bool waiting = false;
        if (strcmp(rest, ".done") == 0) {
            // Not for ever: a database dropped since has no writer to fold them.
            char path[MAXPGPATH];
            snprintf(path, sizeof path, "%s/%s", kSpoolDirectory, entry->d_name);
            struct stat st;
            waiting = stat(path, &st) == 0 && now - st.st_mtime < 3600;
        } else if (*rest == '\0') {
            // A live file: waiting if written lately, or if its backend is gone.
            char path[MAXPGPATH];
            snprintf(path, sizeof path, "%s/%s", kSpoolDirectory, entry->d_name);
            struct stat st;
            waiting = stat(path, &st) == 0 && st.st_size > 0 &&
                      (now - st.st_mtime < 60 || (!backend_alive(pid) && now - st.st_mtime < 3600));
        }
        bool seen = false;
        for (int i = 0; i < woken_count && !seen; i++)
            seen = woken[i] == db;
        if (waiting && !seen && woken_count < 16) {
            woken[woken_count++] = db;
            audit_wake_writer(db);
        }
    }
    FreeDir(dir);
}

} // namespace listguard::pg
