// Addresses are UTF-8 inside the type, whatever the database encoding: the
// conversions at its edges (ASCII, most addresses, passes as it is).
#pragma once

#include <string_view>

#include "pg/base/postgres_c.h"

namespace listguard::pg {

std::string_view to_utf8(const char* s, std::size_t len);
std::string_view from_utf8(const char* s, std::size_t len);

} // namespace listguard::pg
