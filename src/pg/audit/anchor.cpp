#include "pg/audit/anchor.h"

#include "pg/base/settings.h"

extern "C" {
#include "storage/fd.h"
}

namespace listguard::pg {

char* audit_anchor_path(Oid database)
{
    const char* directory = audit_anchor_directory_setting && audit_anchor_directory_setting[0]
                                ? audit_anchor_directory_setting
                                : "pg_listguard";
    return psprintf("%s/audit-anchor.%u", directory, database);
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

} // namespace listguard::pg
