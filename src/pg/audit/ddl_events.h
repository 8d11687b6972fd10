// Events for utility statements that listguard records after they ran:
// CREATE, ALTER and DROP EXTENSION listguard.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called after every utility statement that succeeded.
void record_utility_events(Node* stmt);

} // namespace listguard::pg
