// Who is asking: the session's users, client address and application, as
// recorded in audit events and checked against grants' from_networks.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

struct SessionInfo {
    const char* database; // the database's name
    const char* session_user;
    const char* current_user;
    const char* client_addr; // numeric; empty for a Unix socket or no client
    const char* application_name;
};

SessionInfo session_info();

// The session's client address: numeric, or empty for a Unix socket.
const char* client_address();

} // namespace listguard::pg
