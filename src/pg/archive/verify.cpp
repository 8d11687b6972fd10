// Archived segments checked and read back, offline: from the files alone
// (and, for this database's own chain, its record of what it archived).
// verify_audit_archive(path) checks a segment, or every segment of a
// directory and how they chain; read_audit_archive(segment) gives back the
// events of a segment that verifies, as rows of listguard.audit_log.
#include <cerrno>
#include <cstdio>
#include <new>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>

#include "pg/access/gated_functions.h"
#include "pg/archive/archive.h"
#include "pg/audit/append.h"
#include "pg/audit/archived_head.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/spi.h"
#include "pg/keys/keyring.h"

#include "core/audit/segment.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "storage/fd.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inet.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_verify_audit_archive);
PG_FUNCTION_INFO_V1(lg_read_audit_archive);
}

namespace listguard::pg {

namespace {

constexpr size_t kMaxLine = 1 << 20; // far above any event's line

// A segment file read line by line from its descriptor. Plain C++ (no
// PostgreSQL call): read inside guarded().
class SegmentFile {
public:
    explicit SegmentFile(int fd) : fd_(fd) {}

    // A line, without its newline; false at the end.
    bool read_line(std::string& line)
    {
        line.clear();
        bool any = false;
        for (;;) {
            if (position_ == length_ && !fill())
                return any;
            any = true;
            char c = buffer_[position_++];
            if (c == '\n')
                return true;
            if (line.size() >= kMaxLine)
                throw Error(ErrorKind::DataCorrupted, "audit segment is malformed", "A line is far too long.");
            line.push_back(c);
        }
    }

private:
    bool fill()
    {
        ssize_t n;
        do
            n = read(fd_, buffer_, sizeof buffer_);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            throw Error(ErrorKind::Internal, "could not read an audit segment", strerror(errno));
        position_ = 0;
        length_ = static_cast<size_t>(n);
        return n > 0;
    }

    int fd_;
    char buffer_[8192];
    size_t position_ = 0;
    size_t length_ = 0;
};

// Opens a segment, refusing anything but a regular file: a FIFO named
// x.lgseg would block open() (and then read()) until some writer came, with
// cancel and terminate unheard; a symbolic link could point anywhere. -1,
// with the problem said, if it is not one.
int open_segment(const char* path, char* problem, size_t size)
{
    int fd = OpenTransientFile(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | PG_BINARY);
    if (fd < 0) {
        if (errno == ELOOP)
            snprintf(problem, size, "the segment is a symbolic link, not a regular file: it is not read");
        else
            snprintf(problem, size, "the segment cannot be read: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(problem, size, "the segment cannot be read: %s", strerror(errno));
        CloseTransientFile(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(problem, size, "the segment is not a regular file (%s): it is not read",
                 S_ISFIFO(st.st_mode)                         ? "a FIFO"
                 : S_ISDIR(st.st_mode)                        ? "a directory"
                 : S_ISSOCK(st.st_mode)                       ? "a socket"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                              : "not a file");
        CloseTransientFile(fd);
        return -1;
    }
    return fd;
}

// What checking one segment found: plain data.
struct SegmentCheck {
    char name[128];
    bool ok;
    bool header_read; // first id and entry link known
    bool complete;    // trailer read: last id and exit link known
    char problem[512];
    int64 first_broken;
    int64 checked;
    ArchivedHead head;
};

SegmentCheck check_file(const char* path, const char* name)
{
    SegmentCheck check{};
    strlcpy(check.name, name, sizeof check.name);
    int fd = open_segment(path, check.problem, sizeof check.problem);
    if (fd < 0)
        return check;
    ensure_keyring();
    auto* file = new (palloc(sizeof(SegmentFile))) SegmentFile(fd);
    PendingError error;
    bool read = try_guarded(
        [&] {
            SegmentVerifier verifier(keyring().audit());
            std::string line;
            while (file->read_line(line))
                if (!verifier.feed(line))
                    break;
            verifier.finish();
            const SegmentReader& reader = verifier.reader();
            const SegmentHeader& h = reader.header();
            check.ok = verifier.ok();
            strlcpy(check.problem, verifier.problem().c_str(), sizeof check.problem);
            check.first_broken = verifier.first_broken();
            check.checked = verifier.checked();
            check.header_read = reader.header_complete();
            check.complete = reader.complete();
            strlcpy(check.head.source, h.source.c_str(), sizeof check.head.source);
            check.head.first_id = h.first_id;
            check.head.last_id = reader.complete() ? h.last_id : h.first_id + reader.events_read() - 1;
            memcpy(check.head.entry_link, h.entry_link, kLinkSize);
            memcpy(check.head.exit_link, h.exit_link, kLinkSize);
            check.head.events = h.events;
            check.head.archived_at = h.archived_at;
            if (check.ok && reader.complete()) {
                // The name says which events it holds: a renamed segment
                // would mislead whoever orders them by name.
                std::string expected_tail = segment_file_name(0, h.first_id, h.last_id);
                expected_tail = expected_tail.substr(expected_tail.find('-', 6));
                std::string actual = check.name;
                if (actual.size() < expected_tail.size() ||
                    actual.compare(actual.size() - expected_tail.size(), expected_tail.size(), expected_tail) != 0) {
                    check.ok = false;
                    check.first_broken = h.first_id;
                    snprintf(check.problem, sizeof check.problem,
                             "the segment's name does not match the events it holds (%lld to %lld): it was renamed",
                             static_cast<long long>(h.first_id), static_cast<long long>(h.last_id));
                }
            }
        },
        error);
    CloseTransientFile(fd);
    pfree(file);
    if (!read) {
        check.ok = false;
        snprintf(check.problem, sizeof check.problem, "%s: %s", error.message, error.detail);
    }
    return check;
}

int compare_checks(const void* a, const void* b)
{
    const auto* x = static_cast<const SegmentCheck*>(a);
    const auto* y = static_cast<const SegmentCheck*>(b);
    if (x->head.first_id != y->head.first_id)
        return x->head.first_id < y->head.first_id ? -1 : 1;
    return strcmp(x->name, y->name);
}

// What the caller may name: superusers any path; others a segment or a
// directory inside the archive directory.
char* resolve(const char* given)
{
    const char* directory = archive_directory();
    if (given == nullptr || given[0] == '\0')
        return pstrdup(directory);
    // The admin gate runs this as the extension's owner: who called it counts.
    if (superuser_arg(calling_role()) && is_absolute_path(given))
        return pstrdup(given);
    if (is_absolute_path(given) || path_contains_parent_reference(given))
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("only segments inside listguard.audit_archive_directory can be named"),
                        errdetail("Give a segment's name or a directory relative to it (without \"..\"); only "
                                  "superusers may name other paths.")));
    return psprintf("%s/%s", directory, given);
}

bool is_segment_name(const char* name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".lgseg") == 0;
}

void put_check(ReturnSetInfo* rsinfo, const SegmentCheck& c)
{
    Datum values[7] = {CStringGetTextDatum(c.name),
                       BoolGetDatum(c.ok),
                       Int64GetDatum(c.head.first_id),
                       Int64GetDatum(c.head.last_id),
                       Int64GetDatum(c.checked),
                       Int64GetDatum(c.first_broken),
                       c.problem[0] ? CStringGetTextDatum(c.problem) : 0};
    bool nulls[7] = {false, false, !c.header_read, !c.complete, false, c.first_broken == 0, c.problem[0] == '\0'};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

void fail(SegmentCheck& c, int64 first_broken, const char* problem)
{
    if (!c.ok && c.problem[0])
        return; // its own problem comes first
    c.ok = false;
    c.first_broken = first_broken;
    strlcpy(c.problem, problem, sizeof c.problem);
}

// This database's record of its archives (plain rows).
struct Record {
    ArchivedHead head;
    bool restored;
};

List* archive_records()
{
    List* records = nullptr;
    if (!OidIsValid(listguard_objects().audit_archives))
        return nullptr;
    connect_spi();
    if (SPI_execute("SELECT segment, source, first_id, last_id, exit_link, restored_at IS NOT NULL "
                    "FROM listguard.audit_archives ORDER BY first_id",
                    true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.audit_archives");
    MemoryContext spi = MemoryContextSwitchTo(CurTransactionContext);
    for (uint64 i = 0; i < SPI_processed; i++) {
        HeapTuple row = SPI_tuptable->vals[i];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        auto* r = static_cast<Record*>(palloc0(sizeof(Record)));
        strlcpy(r->head.segment, TextDatumGetCString(SPI_getbinval(row, desc, 1, &isnull)), sizeof r->head.segment);
        strlcpy(r->head.source, TextDatumGetCString(SPI_getbinval(row, desc, 2, &isnull)), sizeof r->head.source);
        r->head.first_id = DatumGetInt64(SPI_getbinval(row, desc, 3, &isnull));
        r->head.last_id = DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull));
        bytea* exit = DatumGetByteaPP(SPI_getbinval(row, desc, 5, &isnull));
        if (VARSIZE_ANY_EXHDR(exit) == kLinkSize)
            memcpy(r->head.exit_link, VARDATA_ANY(exit), kLinkSize);
        r->restored = DatumGetBool(SPI_getbinval(row, desc, 6, &isnull));
        records = lappend(records, r);
    }
    MemoryContextSwitchTo(spi);
    SPI_finish();
    return records;
}

// Whose segments the caller may see: superusers every database's; others
// only this database's chain (its own source, and the sources of the
// archives its record names, a restored database's earlier chain). The
// archive directory is shared by every database of the cluster, and a
// segment holds a whole trail: grants, clear reveals, canary records.
bool may_see_everything()
{
    // The admin gate runs this as the extension's owner: who called it counts.
    return superuser_arg(calling_role());
}

bool is_own_source(const char* source, const char* own, List* records)
{
    if (strcmp(source, own) == 0)
        return true;
    ListCell* lc;
    foreach (lc, records)
        if (strcmp(static_cast<Record*>(lfirst(lc))->head.source, source) == 0)
            return true;
    return false;
}

// A segment named by a caller who may not see other databases' trails.
void refuse_foreign(const SegmentCheck& check, const char* own, List* records)
{
    if (may_see_everything() || !check.header_read || is_own_source(check.head.source, own, records))
        return;
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("audit segment \"%s\" is not of this database's audit trail", check.name),
                    errdetail("The archive directory is shared by every database; admins of a database read "
                              "its own segments only."),
                    errhint("Read it from the database that archived it, or as a superuser.")));
}

} // namespace

} // namespace listguard::pg

using namespace listguard;
using namespace listguard::pg;

// listguard._verify_audit_archive(path) -> (segment, ok, first_id, last_id,
// checked, first_broken, problem): every segment of a directory (the
// archive directory by default) or one segment, each checked whole, then
// how they chain, then against this database's record of its archives.
extern "C" Datum lg_verify_audit_archive(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    char* path = resolve(PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0)));
    struct stat st;
    if (stat(path, &st) != 0)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not find \"%s\": %m", path)));
    bool directory = S_ISDIR(st.st_mode);

    // Every segment, checked on its own.
    List* names = nullptr;
    if (directory) {
        DIR* dir = AllocateDir(path);
        struct dirent* entry;
        while ((entry = ReadDir(dir, path)) != nullptr)
            if (is_segment_name(entry->d_name))
                names = lappend(names, pstrdup(entry->d_name));
        FreeDir(dir);
    } else {
        const char* slash = strrchr(path, '/');
        names = lappend(names, pstrdup(slash ? slash + 1 : path));
    }
    int n = list_length(names);
    auto* checks = static_cast<SegmentCheck*>(palloc(sizeof(SegmentCheck) * Max(n, 1)));
    for (int i = 0; i < n; i++) {
        const char* name = static_cast<char*>(list_nth(names, i));
        checks[i] = check_file(directory ? psprintf("%s/%s", path, name) : path, name);
    }
    // Another database's segments are not the caller's to see (those
    // whose header cannot be read say nothing of anyone's trail).
    List* records = archive_records();
    char* own = own_chain_source();
    if (!may_see_everything()) {
        if (!directory && n == 1)
            refuse_foreign(checks[0], own, records);
        int kept = 0;
        for (int i = 0; i < n; i++)
            if (!checks[i].header_read || is_own_source(checks[i].head.source, own, records))
                checks[kept++] = checks[i];
        n = kept;
    }
    qsort(checks, n, sizeof(SegmentCheck), compare_checks);

    // How they chain: within each chain's source, in order of their events.
    for (int i = 0; i < n; i++) {
        if (!checks[i].complete)
            continue;
        for (int j = i - 1; j >= 0; j--) {
            if (strcmp(checks[j].head.source, checks[i].head.source) != 0)
                continue;
            if (!checks[j].complete)
                break; // where it ends is unknown: its own problem says why
            char problem[512] = "";
            guarded([&] {
                SegmentHeader previous, next;
                previous.first_id = checks[j].head.first_id;
                previous.last_id = checks[j].head.last_id;
                memcpy(previous.exit_link, checks[j].head.exit_link, kLinkSize);
                next.first_id = checks[i].head.first_id;
                next.last_id = checks[i].head.last_id;
                memcpy(next.entry_link, checks[i].head.entry_link, kLinkSize);
                strlcpy(problem, segment_gap(previous, next).c_str(), sizeof problem);
            });
            if (problem[0])
                fail(checks[i], checks[i].head.first_id, problem);
            break;
        }
    }

    // Where each chain starts: at its first event, or where a segment of
    // another chain here ends (a restored database's), or where a record of
    // a restored archive ends; else its first segments are gone.
    ListCell* lc;
    static const uint8 kZero[kLinkSize] = {};
    for (int i = 0; i < n && directory; i++) {
        if (!checks[i].header_read)
            continue;
        bool first_of_source = true;
        for (int j = 0; j < i && first_of_source; j++)
            first_of_source = strcmp(checks[j].head.source, checks[i].head.source) != 0;
        if (!first_of_source)
            continue;
        const ArchivedHead& h = checks[i].head;
        bool starts = h.first_id == 1 && links_equal(h.entry_link, kZero);
        for (int j = 0; j < n && !starts; j++)
            starts = checks[j].complete && checks[j].head.last_id + 1 == h.first_id &&
                     links_equal(checks[j].head.exit_link, h.entry_link);
        foreach (lc, records) {
            auto* r = static_cast<Record*>(lfirst(lc));
            starts = starts ||
                     (r->restored && r->head.last_id + 1 == h.first_id && links_equal(r->head.exit_link, h.entry_link));
        }
        if (!starts) {
            char problem[512];
            snprintf(problem, sizeof problem,
                     "events 1 to %lld of this chain are in no segment here: its first segments were deleted (or are "
                     "kept elsewhere)",
                     static_cast<long long>(h.first_id - 1));
            fail(checks[i], 1, problem);
        }
    }

    // This database's own segments: every one it recorded is there, the
    // same (the last one deleted, or one put back from an older archive,
    // shows here); the first continues where the chain starts.
    foreach (lc, records) {
        auto* r = static_cast<Record*>(lfirst(lc));
        if (r->restored || strcmp(r->head.source, own) != 0)
            continue;
        SegmentCheck* found = nullptr;
        for (int i = 0; i < n && found == nullptr; i++)
            if (strcmp(checks[i].head.source, own) == 0 && checks[i].head.first_id == r->head.first_id)
                found = &checks[i];
        if (found == nullptr) {
            if (!directory)
                continue; // one segment was named: the others are not missing
            SegmentCheck missing{};
            strlcpy(missing.name, r->head.segment, sizeof missing.name);
            missing.header_read = missing.complete = true;
            missing.head = r->head;
            missing.first_broken = r->head.first_id;
            snprintf(missing.problem, sizeof missing.problem,
                     "the segment of events %lld to %lld that this database archived is missing: it was deleted or "
                     "moved",
                     static_cast<long long>(r->head.first_id), static_cast<long long>(r->head.last_id));
            put_check(rsinfo, missing);
        } else if (found->complete &&
                   (found->head.last_id != r->head.last_id || !links_equal(found->head.exit_link, r->head.exit_link))) {
            fail(*found, r->head.first_id,
                 "the segment is not the one this database archived under that name (its events or exit link "
                 "differ)");
        }
    }
    for (int i = 0; i < n; i++)
        put_check(rsinfo, checks[i]);
    return (Datum)0;
}

namespace {

// The canonical columns of an event, decoded into plain data: texts as
// offsets into a copy of the canonical bytes.
struct PlainColumn {
    uint8 kind; // CanonicalColumn::Kind
    int64 integer;
    int offset;
    int length;
    int items;
    int item_offset[kAuditMaxDigests * 4];
    int item_length[kAuditMaxDigests * 4];
};
constexpr int kMaxColumns = 24;

Datum text_at(const char* bytes, const PlainColumn& c)
{
    return PointerGetDatum(cstring_to_text_with_len(bytes + c.offset, c.length));
}

char* cstring_at(const char* bytes, const PlainColumn& c)
{
    return pnstrdup(bytes + c.offset, c.length);
}

} // namespace

// listguard._read_audit_archive(segment) -> SETOF listguard.audit_log: the
// events of a segment that verifies, as the table held them.
extern "C" Datum lg_read_audit_archive(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    if (PG_ARGISNULL(0))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("read_audit_archive() needs a segment")));
    char* path = resolve(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    const char* slash = strrchr(path, '/');
    SegmentCheck check = check_file(path, slash ? slash + 1 : path);
    refuse_foreign(check, own_chain_source(), archive_records());
    if (!check.ok)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("audit segment \"%s\" does not verify", check.name),
                        errdetail("%s", check.problem),
                        errhint("listguard.verify_audit_archive() checks segments and how they chain.")));
    if (rsinfo->setDesc->natts != kAuditColumns)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("listguard.audit_log has an unexpected shape")));

    char problem[512];
    int fd = open_segment(path, problem, sizeof problem);
    if (fd < 0)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("audit segment \"%s\" cannot be read", check.name),
                        errdetail("%s", problem)));
    auto* file = new (palloc(sizeof(SegmentFile))) SegmentFile(fd);
    char* bytes = static_cast<char*>(palloc(kMaxLine));
    PlainColumn* columns = static_cast<PlainColumn*>(palloc0(sizeof(PlainColumn) * kMaxColumns));
    for (;;) {
        // One event line at a time, decoded inside guarded() into plain
        // data, then made a row outside it.
        int count = 0;
        int64 id = 0;
        int encoding = 0;
        uint8 link[kLinkSize];
        bool more = guarded([&] {
            std::string line;
            SegmentEvent e;
            for (;;) {
                if (!file->read_line(line))
                    return false;
                if (parse_segment_event(line, &e))
                    break;
            }
            if (e.canonical.size() > kMaxLine)
                throw Error(ErrorKind::DataCorrupted, "audit segment is malformed", "An event is far too long.");
            memcpy(bytes, e.canonical.data(), e.canonical.size());
            std::vector<CanonicalColumn> decoded = decode_canonical(e.encoding, e.canonical);
            count = static_cast<int>(std::min<size_t>(decoded.size(), kMaxColumns));
            for (int i = 0; i < count; i++) {
                const CanonicalColumn& c = decoded[i];
                PlainColumn& p = columns[i];
                p.kind = c.kind;
                p.integer = c.integer;
                p.offset = c.kind == CanonicalColumn::Text ? static_cast<int>(c.text.data() - e.canonical.data()) : 0;
                p.length = static_cast<int>(c.text.size());
                p.items = static_cast<int>(std::min<size_t>(c.items.size(), kAuditMaxDigests * 4));
                for (int j = 0; j < p.items; j++) {
                    p.item_offset[j] = static_cast<int>(c.items[j].text.data() - e.canonical.data());
                    p.item_length[j] = static_cast<int>(c.items[j].text.size());
                }
            }
            id = e.id;
            encoding = static_cast<int>(e.encoding);
            memcpy(link, e.link, kLinkSize);
            return true;
        });
        if (!more)
            break;
        bool v1 = encoding == static_cast<int>(ChainEncoding::V1);
        Datum values[kAuditColumns];
        bool nulls[kAuditColumns];
        for (int i = 0; i < kAuditColumns; i++) {
            nulls[i] = true;
            values[i] = 0;
        }
        // Canonical columns are the table's, the link left out.
        for (int i = 0; i < count; i++) {
            int column = i < kLink ? i : i + 1;
            if (column >= kAuditColumns)
                break;
            const PlainColumn& c = columns[i];
            if (c.kind == CanonicalColumn::Null)
                continue;
            nulls[column] = false;
            int64 number = c.integer;
            if (v1 && c.kind == CanonicalColumn::Text && c.length == 8 &&
                (column == kId || column == kLoggedAt || column == kBackendPid || column == kXid ||
                 column == kAccount || column == kList)) {
                uint64 u = 0;
                for (int k = 0; k < 8; k++)
                    u = (u << 8) | static_cast<uint8>(bytes[c.offset + k]);
                number = static_cast<int64>(u);
            }
            switch (column) {
            case kId:
            case kXid:
            case kAccount:
            case kList:
                values[column] = Int64GetDatum(number);
                break;
            case kLoggedAt:
                values[column] = TimestampTzGetDatum(number);
                break;
            case kBackendPid:
                values[column] = Int32GetDatum(static_cast<int32>(number));
                break;
            case kFormat:
                values[column] = Int16GetDatum(static_cast<int16>(number));
                break;
            case kClientAddr:
                values[column] = DirectFunctionCall1(inet_in, CStringGetDatum(cstring_at(bytes, c)));
                break;
            case kCounts:
            case kDetail:
                values[column] = DirectFunctionCall1(jsonb_in, CStringGetDatum(cstring_at(bytes, c)));
                break;
            case kPrevLink:
                values[column] = bytea_datum(reinterpret_cast<const uint8*>(bytes + c.offset), c.length);
                break;
            case kEmailDigests: {
                // Version 2: the elements; version 1: their octets concatenated.
                int items = v1 ? c.length / 16 : c.items;
                Datum* digests = static_cast<Datum*>(palloc(sizeof(Datum) * Max(items, 1)));
                for (int k = 0; k < items; k++)
                    digests[k] =
                        v1 ? bytea_datum(reinterpret_cast<const uint8*>(bytes + c.offset + 16 * k), 16)
                           : bytea_datum(reinterpret_cast<const uint8*>(bytes + c.item_offset[k]), c.item_length[k]);
                values[column] = PointerGetDatum(construct_array(digests, items, BYTEAOID, -1, false, TYPALIGN_INT));
                break;
            }
            default:
                values[column] = text_at(bytes, c);
                break;
            }
        }
        if (nulls[kId])
            values[kId] = Int64GetDatum(id), nulls[kId] = false;
        values[kLink] = bytea_datum(link, kLinkSize);
        nulls[kLink] = false;
        if (v1) {
            values[kFormat] = Int16GetDatum(1);
            nulls[kFormat] = false;
        }
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    CloseTransientFile(fd);
    return (Datum)0;
}
