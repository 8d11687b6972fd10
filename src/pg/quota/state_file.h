// The export-quota counters on disk: pg_listguard/quota.state.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// In the postmaster, once shared memory is set up: loads the saved counters
// (when it was just created) and saves them at a clean shutdown.
void quota_postmaster_startup(bool fresh);

// The housekeeper: writes the counters if they changed since the last save.
void save_quota_state_if_dirty();

// A save that covers every durable count raised before it began (one save
// at a time); false if it could not be written (the server log says why).
bool save_state_covering();

// Before the reveals of a reservation are shown: waits for, or makes, a
// save that covers durable count raise `wanted`; false if none could be made.
bool make_durable(uint64 wanted);

// The file's path (for messages).
const char* quota_state_file();

} // namespace listguard::pg
