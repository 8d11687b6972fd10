// Which sessions count as dumps. A dump asks for "every row and every value,
// or an error": it must never silently hold masks or pseudonyms in place of
// addresses, so in a dump session a role that would see those gets an error
// instead, and a superuser gets sealed tokens.
#pragma once

#include <string_view>

namespace listguard {

// pg_dump names itself in application_name unless PGAPPNAME overrides it,
// and always turns row_security off (unless --enable-row-security): either
// makes a dump session.
bool is_dump_session(bool row_security, std::string_view application_name) noexcept;

} // namespace listguard
