#include "pg/audit/reveal_spool.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <dirent.h>
#include <unistd.h>

#include "pg/audit/events.h"
#include "pg/audit/queue.h"
#include "pg/keys/keyring.h"

#include "core/canary/loose_address.h"
#include "core/canary/reveal_summary.h"
#include "core/email/address.h"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

constexpr int kBufferKeys = 8192;
constexpr off_t kRotateOctets = 1 << 20;

SpoolRecordHeader run = {SpoolRecordHeader::kMagic, 0, 0, 0, 0};
uint64 keys[kBufferKeys];
int spool_fd = -1;
int spool_number = 0;
off_t spool_octets = 0;
bool exit_registered = false;
int64 lost = 0; // keys not written, not yet reported

// PostgreSQL's date (days since 2000-01-01, in UTC) of the statement.
int32 today() noexcept
{
    TimestampTz now = GetCurrentStatementStartTimestamp();
    return static_cast<int32>(now >= 0 ? now / USECS_PER_DAY : -((-now + USECS_PER_DAY - 1) / USECS_PER_DAY));
}

void spool_path(char* path, size_t size, bool done)
{
    snprintf(path, size, "%s/%u.%d.%d%s", kSpoolDirectory, MyDatabaseId, MyProcPid, spool_number, done ? ".done" : "");
}

// Closes the spool file and marks it finished for the writer.
void close_spool() noexcept
{
    if (spool_fd < 0)
        return;
    char from[MAXPGPATH], to[MAXPGPATH];
    spool_path(from, sizeof from, false);
    spool_path(to, sizeof to, true);
    (void)close(spool_fd);
    spool_fd = -1;
    (void)rename(from, to);
    spool_number++;
    spool_octets = 0;
}

void at_exit(int, Datum) noexcept
{
    spool_flush();
    close_spool();
}

void report_lost() noexcept
{
    if (lost == 0)
        return;
    AuditEvent gap = audit_gap_event(MyDatabaseId, 0, "reveal summary keys could not be written");
    snprintf(gap.detail, sizeof gap.detail,
             "{\"reveal_keys_lost\": %lld, \"why\": \"the reveal spool file could not be written\"}",
             static_cast<long long>(lost));
    gap.detail_length = strlen(gap.detail);
    if (!audit_enqueue(gap))
        log_event(gap, " (audit queue full)");
    lost = 0;
}

bool write_run() noexcept
{
    if (spool_fd < 0) {
        if (mkdir("pg_listguard", S_IRWXU) < 0 && errno != EEXIST)
            return false;
        if (mkdir(kSpoolDirectory, S_IRWXU) < 0 && errno != EEXIST)
            return false;
        char path[MAXPGPATH];
        spool_path(path, sizeof path, false);
        spool_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | PG_BINARY, S_IRUSR | S_IWUSR);
        if (spool_fd < 0)
            return false;
        if (!exit_registered) {
            before_shmem_exit(at_exit, 0);
            exit_registered = true;
        }
    }
    struct iovec parts[2] = {{&run, sizeof run}, {keys, run.count * sizeof(uint64)}};
    ssize_t want = static_cast<ssize_t>(sizeof run + run.count * sizeof(uint64));
    ssize_t wrote = writev(spool_fd, parts, 2);
    if (wrote != want) {
        // A part of a record would make the rest of the file unreadable:
        // start a new file.
        close_spool();
        return false;
    }
    spool_octets += wrote;
    if (spool_octets >= kRotateOctets)
        close_spool();
    return true;
}

} // namespace

SpoolFile* list_spool_files(Oid database, int* count)
{
    *count = 0;
    int capacity = 16;
    auto* files = static_cast<SpoolFile*>(palloc(sizeof(SpoolFile) * capacity));
    DIR* dir = AllocateDir(kSpoolDirectory);
    if (dir == nullptr) {
        if (errno != ENOENT)
            ereport(WARNING,
                    (errcode_for_file_access(), errmsg("could not open directory \"%s\": %m", kSpoolDirectory)));
        return files;
    }
    struct dirent* entry;
    while ((entry = ReadDirExtended(dir, kSpoolDirectory, LOG)) != nullptr) {
        unsigned db;
        int pid, number, end = 0;
        if (sscanf(entry->d_name, "%u.%d.%d%n", &db, &pid, &number, &end) != 3 || db != database)
            continue;
        const char* rest = entry->d_name + end;
        SpoolFile f;
        memset(&f, 0, sizeof f);
        if (strcmp(rest, "") == 0)
            ;
        else if (strcmp(rest, ".done") == 0)
            f.finished = true;
        else if (strcmp(rest, ".folded") == 0)
            f.finished = f.folded = true;
        else
            continue;
        strlcpy(f.name, entry->d_name, sizeof f.name);
        f.pid = pid;
        char path[MAXPGPATH];
        snprintf(path, sizeof path, "%s/%s", kSpoolDirectory, f.name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        f.modified = st.st_mtime;
        if (*count == capacity) {
            capacity *= 2;
            files = static_cast<SpoolFile*>(repalloc(files, sizeof(SpoolFile) * capacity));
        }
        files[(*count)++] = f;
    }
    FreeDir(dir);
    qsort(files, *count, sizeof(SpoolFile), [](const void* a, const void* b) {
        return strcmp(static_cast<const SpoolFile*>(a)->name, static_cast<const SpoolFile*>(b)->name);
    });
    return files;
}

bool read_spool_file(const SpoolFile& file, uint8** data, size_t* size)
{
    char path[MAXPGPATH];
    snprintf(path, sizeof path, "%s/%s", kSpoolDirectory, file.name);
    int fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        CloseTransientFile(fd);
        return false;
    }
    size_t want = static_cast<size_t>(st.st_size);
    *data = static_cast<uint8*>(palloc(Max(want, 1)));
    size_t got = 0;
    while (got < want) {
        ssize_t n = read(fd, *data + got, want - got);
        if (n <= 0)
            break;
        got += static_cast<size_t>(n);
    }
    CloseTransientFile(fd);
    *size = got;
    return true;
}

size_t for_each_spool_record(const uint8* data, size_t size, SpoolRecordFn each, void* arg)
{
    size_t at = 0;
    uint64* keys = nullptr;
    uint32 room = 0;
    while (size - at >= sizeof(SpoolRecordHeader)) {
        SpoolRecordHeader h;
        memcpy(&h, data + at, sizeof h);
        if (h.magic != SpoolRecordHeader::kMagic || h.count > (1u << 24)) {
            ereport(WARNING, (errmsg("listguard reveal spool file is damaged; the rest of it is skipped")));
            return size;
        }
        size_t octets = sizeof h + size_t{h.count} * sizeof(uint64);
        if (size - at < octets)
            break;
        if (h.count > room) {
            room = h.count;
            keys = static_cast<uint64*>(keys == nullptr ? palloc(sizeof(uint64) * room)
                                                        : repalloc(keys, sizeof(uint64) * room));
        }
        if (h.count > 0)
            memcpy(keys, data + at + sizeof h, h.count * sizeof(uint64));
        each(arg, h, keys);
        at += octets;
    }
    if (keys != nullptr)
        pfree(keys);
    return at;
}

void read_spool_files(Oid database, bool with_folded, SpoolRecordFn each, void* arg)
{
    int count;
    SpoolFile* files = list_spool_files(database, &count);
    for (int i = 0; i < count; i++) {
        if (files[i].folded && !with_folded)
            continue;
        uint8* data;
        size_t size;
        if (!read_spool_file(files[i], &data, &size))
            continue;
        (void)for_each_spool_record(data, size, each, arg);
        pfree(data);
    }
    pfree(files);
}

uint64 reveal_summary_key(EmailBytes value, std::string_view address)
{
    // The loose form differs from the canonical address only for a +tag or
    // a Gmail address: otherwise the stored digest is the loose digest.
    std::size_t at = address.rfind('@');
    bool loose = false;
    if (at != std::string_view::npos) {
        std::string_view local = address.substr(0, at);
        std::string domain(address.substr(at + 1));
        for (char& c : domain)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        loose = (local.find('+') != std::string_view::npos && local.find('+') > 0) ||
                ((domain == "gmail.com" || domain == "googlemail.com") &&
                 (local.find('.') != std::string_view::npos || domain == "googlemail.com"));
    }
    if (!loose)
        return summary_key(sealed::digest_of(value.data));
    uint8 digest[sealed::kDigestSize];
    keyring().email().digest(loose_form(parse_address(address).canonical()), digest);
    return summary_key(digest);
}

void spool_reveal(uint64 key)
{
    if (RecoveryInProgress())
        return;
    auto role = static_cast<uint32>(GetUserId());
    auto login = static_cast<uint32>(GetSessionUserId());
    int32 day = today();
    if (run.count > 0 && (run.role != role || run.login != login || run.day != day))
        spool_flush();
    if (run.count == kBufferKeys)
        spool_flush();
    run.role = role;
    run.login = login;
    run.day = day;
    keys[run.count++] = key;
}

void spool_flush() noexcept
{
    if (run.count > 0) {
        if (!write_run())
            lost += run.count;
        run.count = 0;
    }
    report_lost();
}

} // namespace listguard::pg
