// listguard on a hot standby: where clear reveals under an export quota are
// counted (listguard.standby_quota), and the name the standby's events
// carry in the primary's audit log.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"
#include "core/quota/window.h"

namespace listguard::pg {

// This server's name as the origin of its events: cluster_name, or its
// port and the cluster's system identifier (which standbys share).
const char* standby_origin();

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
