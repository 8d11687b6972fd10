#include "pg/type/encoding.h"

#include <cstring>

#include "core/email/address.h"

extern "C" {
#include "mb/pg_wchar.h"
}

namespace listguard::pg {

namespace {

// The database encoding cannot change under a backend.
bool database_is_utf8()
{
    static int encoding = -1;
    if (encoding < 0)
        encoding = GetDatabaseEncoding();
    return encoding == PG_UTF8;
}

} // namespace

std::string_view to_utf8(const char* s, std::size_t len)
{
    if (database_is_utf8() || is_ascii({s, len}))
        return {s, len};
    char* converted = pg_server_to_any(s, static_cast<int>(len), PG_UTF8);
    return {converted, std::strlen(converted)};
}

std::string_view from_utf8(const char* s, std::size_t len)
{
    if (database_is_utf8() || is_ascii({s, len}))
        return {s, len};
    char* converted = pg_any_to_server(s, static_cast<int>(len), PG_UTF8);
    return {converted, std::strlen(converted)};
}

} // namespace listguard::pg
