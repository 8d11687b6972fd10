// Clear reveals under an export quota on a hot standby: counted where
// listguard.standby_quota says, by default against a lease of the primary's
// count that the standby link (pg/replica) brings.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"
#include "core/quota/window.h"

namespace listguard::pg {

enum class StandbyRefusal {
    None,
    Denied,      // listguard.standby_quota = 'deny'
    Unreachable, // no lease could be had from the primary in time
};

// Reserves clear reveals of a grant with a quota on a hot standby. `leased`
// says whether the units come from the primary's lease (they go back
// there) or from this server's own counters. Granted 0 with refusal None
// is a quota used up, as on the primary.
Reservation reserve_on_standby(const Grant& grant, int64 now, int64 wanted, bool* leased, StandbyRefusal* refusal);

// Longest a backend waits for the link to bring a lease.
constexpr int kLeaseWaitMs = 1000;

} // namespace listguard::pg
