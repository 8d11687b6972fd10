#include "pg/replica/event_spill.h"

#include "pg/replica/shipment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include "storage/fd.h"
}

namespace listguard::pg {

namespace {

char* path_of(Oid database)
{
    return psprintf("pg_listguard/standby-events.%u", database);
}

// Events in the file, or -1 if it is not one this build wrote (then it is
// left alone, and a LOG line says so).
int events_in(const char* path, int fd)
{
    struct stat st;
    char header[kShipmentHeaderSize];
    if (fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof header))
        return 0;
    if (pread(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) || !shipment_header_ok(header)) {
        ereport(LOG,
                (errmsg("listguard standby event file \"%s\" is not in this build's format; left as it is", path)));
        return -1;
    }
    return static_cast<int>((st.st_size - kShipmentHeaderSize) / sizeof(AuditEvent));
}

} // namespace

int spill_events(Oid database, const AuditEvent* events, int count)
{
    char* path = path_of(database);
    (void)MakePGDirectory("pg_listguard");
    int fd = OpenTransientFile(path, O_RDWR | O_CREAT | PG_BINARY);
    if (fd < 0) {
        ereport(LOG, (errcode_for_file_access(), errmsg("could not open \"%s\": %m", path)));
        return 0;
    }
    int held = events_in(path, fd);
    int room = held < 0 ? 0 : Min(count, kMaxSpilledEvents - held);
    bool ok = true;
    if (room > 0) {
        off_t end = static_cast<off_t>(kShipmentHeaderSize) + static_cast<off_t>(held) * sizeof(AuditEvent);
        if (held == 0) {
            char header[kShipmentHeaderSize];
            write_shipment_header(header);
            ok = pwrite(fd, header, sizeof header, 0) == static_cast<ssize_t>(sizeof header);
        }
        size_t bytes = sizeof(AuditEvent) * room;
        ok = ok && pwrite(fd, events, bytes, end) == static_cast<ssize_t>(bytes) && pg_fsync(fd) == 0;
    }
    CloseTransientFile(fd);
    if (!ok) {
        ereport(LOG, (errcode_for_file_access(), errmsg("could not write \"%s\": %m", path)));
        return 0;
    }
    return Max(room, 0);
}

int read_spilled(Oid database, int from, AuditEvent* out, int max)
{
    char* path = path_of(database);
    int fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
    if (fd < 0)
        return 0;
    int held = events_in(path, fd);
    int count = Max(0, Min(max, held - from));
    if (count > 0) {
        off_t at = static_cast<off_t>(kShipmentHeaderSize) + static_cast<off_t>(from) * sizeof(AuditEvent);
        size_t bytes = sizeof(AuditEvent) * count;
        if (pread(fd, out, bytes, at) != static_cast<ssize_t>(bytes))
            count = 0;
    }
    CloseTransientFile(fd);
    return count;
}

void drop_spilled(Oid database)
{
    char* path = path_of(database);
    if (unlink(path) != 0 && errno != ENOENT)
        ereport(LOG, (errcode_for_file_access(), errmsg("could not remove \"%s\": %m", path)));
}

void wake_writers_of_spilled_events()
{
    DIR* dir = AllocateDir("pg_listguard");
    if (dir == nullptr)
        return;
    struct dirent* entry;
    while ((entry = ReadDir(dir, "pg_listguard")) != nullptr) {
        unsigned int database;
        char tail;
        if (sscanf(entry->d_name, "standby-events.%u%c", &database, &tail) == 1 && database != InvalidOid)
            audit_wake_writer(database);
    }
    FreeDir(dir);
}

} // namespace listguard::pg
