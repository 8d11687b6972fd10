#include "core/access/dump_session.h"

namespace listguard {

bool is_dump_session(bool row_security, std::string_view application_name) noexcept
{
    return !row_security || application_name == "pg_dump" || application_name == "pg_dumpall";
}

} // namespace listguard
