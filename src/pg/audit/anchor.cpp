#include "pg/audit/anchor.h"

#include <cstring>

#include "pg/base/module.h"

extern "C" {
#include "storage/fd.h"
#include "utils/builtins.h"
}

namespace listguard::pg {

char* audit_anchor_path(Oid database)
{
    return psprintf("%s.audit-anchor.%u", key_file_setting ? key_file_setting : "listguard.key", database);
}

char* audit_link_hex(const uint8* link)
{
    char* hex = static_cast<char*>(palloc(2 * kLinkSize + 1));
    hex[hex_encode(reinterpret_cast<const char*>(link), kLinkSize, hex)] = '\0';
    return hex;
}

void format_audit_anchor(int64 id, const uint8* link, char (&record)[kAnchorRecordSize])
{
    memset(record, ' ', sizeof record);
    int n = snprintf(record, sizeof record, "%lld %s", static_cast<long long>(id), audit_link_hex(link));
    record[n] = ' ';
    record[sizeof record - 1] = '\n';
}

AuditAnchor read_audit_anchor(Oid database)
{
    AuditAnchor anchor;
    FILE* f = AllocateFile(audit_anchor_path(database), "r");
    if (f == nullptr)
        return anchor;
    long long id = 0;
    char hex[2 * kLinkSize + 1] = "";
    static_assert(kLinkSize == 32, "the width in the format below");
    if (fscanf(f, "%lld %64s", &id, hex) == 2 && id > 0 && strlen(hex) == 2 * kLinkSize &&
        strspn(hex, "0123456789abcdef") == 2 * kLinkSize) {
        hex_decode(hex, 2 * kLinkSize, reinterpret_cast<char*>(anchor.link));
        anchor.id = id;
    }
    FreeFile(f);
    return anchor;
}

} // namespace listguard::pg
