// What the key functions share: finding a seal key by its id, the current
// key's id, and the key events of the audit trail.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The index of a seal key id (8 hex digits) in the loaded keyring, or -1.
int find_seal_key(const char* key_id);

// The current seal key's id (palloc'd).
const char* current_key_id();

void record_key_event(const char* action, const char* key_id);

} // namespace listguard::pg
