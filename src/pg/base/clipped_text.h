// Copying text into fixed-size fields (audit events, a standby's origin)
// without ever cutting a character in two: text cut in the middle of a
// multibyte character is invalid in the database encoding, and one such
// value in the audit log makes every later dump of it fail to restore.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "mb/pg_wchar.h"
}

namespace listguard::pg {

// Copies as much of src (in the database encoding) as fits in size - 1
// octets, ending at a character boundary, and terminates it.
inline void copy_clipped(char* dst, size_t size, const char* src)
{
    if (size == 0)
        return;
    if (src == nullptr)
        src = "";
    int len = static_cast<int>(strlen(src));
    int fits = len < static_cast<int>(size) ? len : pg_mbcliplen(src, len, static_cast<int>(size) - 1);
    memcpy(dst, src, fits);
    dst[fits] = '\0';
}

} // namespace listguard::pg
