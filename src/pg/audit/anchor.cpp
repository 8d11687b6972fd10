#include "pg/audit/anchor.h"

#include "pg/audit/queue.h"
#include "pg/base/settings.h"

extern "C" {
#include "storage/fd.h"
}

namespace listguard::pg {

namespace {

const char* anchor_directory()
{
    return audit_anchor_directory_setting && audit_anchor_directory_setting[0] ? audit_anchor_directory_setting
                                                                               : "pg_listguard";
}

} // namespace

char* audit_anchor_path(Oid database)
{
    return psprintf("%s/audit-anchor.%u", anchor_directory(), database);
}

namespace {

// Where listguard 0.1 kept it: beside the key file.
char* legacy_anchor_path(Oid database)
{
    return psprintf("%s.audit-anchor.%u", key_file_setting ? key_file_setting : "listguard.key", database);
}

bool read_anchor_file(const char* path, Anchor* anchor)
{
    FILE* f = AllocateFile(path, "r");
    if (f == nullptr)
        return false;
    char record[kAnchorRecordSize];
    size_t n = fread(record, 1, sizeof record, f);
    FreeFile(f);
    *anchor = parse_anchor(std::string_view(record, n));
    return true;
}

} // namespace

Anchor read_audit_anchor(Oid database, bool* file_exists)
{
    Anchor anchor;
    *file_exists = read_anchor_file(audit_anchor_path(database), &anchor) ||
                   read_anchor_file(legacy_anchor_path(database), &anchor);
    return anchor;
}

List* audited_databases()
{
    List* databases = nullptr;
    const char* path = anchor_directory();
    DIR* dir = AllocateDir(path);
    if (dir == nullptr)
        return nullptr;
    struct dirent* entry;
    while ((entry = ReadDirExtended(dir, path, LOG)) != nullptr) {
        unsigned int database;
        char tail;
        if (sscanf(entry->d_name, "audit-anchor.%u%c", &database, &tail) == 1 && database != InvalidOid)
            databases = lappend_oid(databases, database);
    }
    FreeDir(dir);
    return databases;
}

void wake_writers_of_audited_databases()
{
    List* databases = audited_databases();
    ListCell* lc;
    foreach (lc, databases)
        audit_wake_writer(lfirst_oid(lc));
    list_free(databases);
}

} // namespace listguard::pg
