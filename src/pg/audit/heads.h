// The audit chain heads that dumps carry (listguard.audit_heads): what
// verify_audit() checks of a restored history, and the table's guard.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Inside SPI, after the chain itself verified up to chain_end: every head
// that came in with a restore is sealed with this keyring and names an
// event of this chain, and every restored history has such a head (or an
// administrator accepted it without one). Returns the problem, or null;
// sets *first_broken to the first event it concerns. Heads of events up to
// archived_through were checked when those events were archived (the
// archive refuses a history that does not check): they are skipped.
char* check_restored_heads(int64 chain_end, int64* first_broken, int64 archived_through = 0);

} // namespace listguard::pg
