#include "pg/audit/anchor.h"

#include "pg/base/settings.h"

extern "C" {
#include "storage/fd.h"
}

namespace listguard::pg {

char* audit_anchor_path(Oid database)
{
    return psprintf("%s.audit-anchor.%u", key_file_setting ? key_file_setting : "listguard.key", database);
}

Anchor read_audit_anchor(Oid database)
{
    FILE* f = AllocateFile(audit_anchor_path(database), "r");
    if (f == nullptr)
        return {};
    char record[kAnchorRecordSize];
    size_t n = fread(record, 1, sizeof record, f);
    FreeFile(f);
    return parse_anchor(std::string_view(record, n));
}

} // namespace listguard::pg
