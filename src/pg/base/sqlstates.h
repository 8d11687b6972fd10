// listguard's own SQLSTATEs, class LG: each defined here and nowhere else
// (docs/reference.md lists them with PostgreSQL's that listguard raises).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// A clear reveal over its grant's export quota (on_exceed => 'error').
constexpr int kSqlstateQuotaExceeded = MAKE_SQLSTATE('L', 'G', '0', '0', '1');
// A hot standby that cannot count a clear reveal against the quota.
constexpr int kSqlstateStandbyQuota = MAKE_SQLSTATE('L', 'G', '0', '0', '2');

} // namespace listguard::pg
