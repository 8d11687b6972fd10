// Copying text into fixed-size fields (audit events, a standby's origin)
// so that what lands there is always valid in the database encoding: text
// cut in the middle of a multibyte character, or bytes that are no
// character of this encoding at all (a role or database name created from
// a database of another encoding in the same cluster keeps that database's
// bytes), make the audit log unrestorable once one such value is in it.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "mb/pg_wchar.h"
}

namespace listguard::pg {

// Copies as much of src as fits in size - 1 octets, ending at a character
// boundary, and terminates it. Every byte that does not start a valid
// character of the database encoding becomes '?' (one '?' per byte, so that
// what follows, the quotes of a JSON string say, stays where it was).
inline void copy_clipped(char* dst, size_t size, const char* src)
{
    if (size == 0)
        return;
    if (src == nullptr)
        src = "";
    int len = static_cast<int>(strlen(src));
    int room = static_cast<int>(size) - 1;
    int encoding = GetDatabaseEncoding();
    // The usual case: valid, and it fits.
    if (len <= room && pg_encoding_verifymbstr(encoding, src, len) == len) {
        memcpy(dst, src, len);
        dst[len] = '\0';
        return;
    }
    int in = 0;
    int out = 0;
    while (in < len) {
        int n = IS_HIGHBIT_SET(src[in]) ? pg_encoding_verifymbchar(encoding, src + in, len - in) : 1;
        if (n <= 0) { // not a character here: one byte replaced
            if (out + 1 > room)
                break;
            dst[out++] = '?';
            in++;
            continue;
        }
        if (out + n > room)
            break;
        memcpy(dst + out, src + in, n);
        out += n;
        in += n;
    }
    dst[out] = '\0';
}

} // namespace listguard::pg
