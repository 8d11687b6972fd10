// Clear reveals of canaries, for tracing: which role read which canary in
// clear, when and through which grant. Counted per statement and recorded
// as "canary" events (action "reveal") whatever listguard.audit_reveals
// says: they are how a later leak is told from a guess.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// A stored value was just shown in clear to the current role under grant_id.
void note_clear_reveal(const uint8* value, int64 grant_id);

// Statement and transaction end: the counts go to the audit trail.
void report_canary_reveals();

} // namespace listguard::pg
